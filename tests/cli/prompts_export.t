# 'prompts export DIR' writes every built-in prompt, mode 0644, and does
# not overwrite a file without --force.
--- sh
mkdir out
--- run
prompts export out
--- stderr ~
exported 18 prompt files into 'out'
--- sh
test -f out/health-brief.mustache
test -f out/_base.mustache
test "$(ls out | wc -l)" -eq 18
test "$(stat -c %a out/qbr-prep.mustache)" = 644
echo edited > out/qbr-prep.mustache
--- run
prompts export out
--- exit 1
--- stderr ~
^csmap: error: 'out/[^']+\.mustache' exists; use --force to overwrite it$
--- sh
test "$(cat out/qbr-prep.mustache)" = edited
--- run
prompts export out --force
--- sh
grep -q '^name: qbr-prep$' out/qbr-prep.mustache
--- run
prompts export missing
--- exit 1
--- stderr
csmap: error: cannot export into 'missing': No such file or directory
--- sh
touch afile
--- run
prompts export afile
--- exit 1
--- stderr
csmap: error: cannot export into 'afile': not a folder
--- run
prompts export
--- exit 2
--- stderr ~
^csmap: error: prompts: export needs a folder
--- sh
mkdir -p ws/prompts
--- run
-C ws prompts export prompts
--- run
-C ws prompts ls
--- stdout ~
^health-brief +1 +health +account +markdown +workspace$
^usage-anomaly +1 +usage +account +markdown +workspace$
