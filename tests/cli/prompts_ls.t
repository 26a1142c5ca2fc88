# 'prompts ls' lists every artifact prompt with its header fields and
# where it comes from, as a table, CSV or JSON.
--- run
prompts ls
--- stdout ~
^NAME +VERSION +STAGE +SCOPE +OUTPUT +SOURCE$
^activation-digest +1 +onboarding +segment +markdown +built-in$
^followup-sequence +1 +onboarding +account +json +built-in$
^health-brief +1 +health +account +markdown +built-in$
^proposal-blocks +1 +expansion +account +json +built-in$
^qbr-prep +1 +all +account +markdown +built-in$
^usage-anomaly +1 +usage +account +markdown +built-in$
--- run
prompts ls --format json
--- stdout ~
"name":\s+"account-narrative",
"source":\s+"built-in"
--- run
prompts ls --format yaml
--- exit 2
--- stderr ~
^csmap: error: prompts: unknown format 'yaml'
