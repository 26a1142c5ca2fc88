# 'prompts show NAME' prints the file exactly; an unknown name fails with
# the close names.
--- run
prompts show stuck-alert
--- stdout ~
\A\{\{!\nname: stuck-alert\nversion: 1\nstage: onboarding\n
^\{\{<_base\}\}$
^## Next step$
\{\{/_base\}\}\n\Z
--- run
prompts show _base
--- stdout ~
^<<<user>>>$
--- file prompts/_answer_rules.mustache
House rules.
--- run
prompts show _answer_rules
--- stdout
House rules.
--- run
prompts show health-brif
--- exit 1
--- stderr
csmap: error: no prompt named 'health-brif'; did you mean 'health-brief'?
--- run
prompts show support
--- exit 1
--- stderr ~
did you mean 'support-cluster-report', 'support-digest'\?$
--- run
prompts show
--- exit 2
--- stderr ~
^csmap: error: prompts: show needs a prompt name
--- run
prompts frobnicate
--- exit 2
--- stderr ~
^csmap: error: prompts: unknown subcommand 'frobnicate'
