# Mistakes a user can make with the weekly run are said once, before any
# work: -o naming a file, and an as-of date before every signup (the same
# message from every command that computes signals).
--- file csmap.json
{"onboarding": {"steps": [{"name": "s", "event": "^s$"}], "first_value_event": "^v$"},
 "usage": {"core_events": ["^c"]},
 "llm": {"provider": "fixture", "fixtures_dir": "fx"}}
--- file a.csv
account_id,name,signup_date
a1,A,2026-01-01
--- sh
"$CSMAP" -q ingest a.csv
touch afile
--- run
weekly --as-of 2026-03-01 -o afile
--- exit 1
--- stderr
csmap: error: cannot write the week's files into 'afile': it is not a folder
--- run
weekly --as-of 2025-03-01 -o out
--- exit 1
--- stderr
csmap: error: none of the 1 accounts in 'csmap.db' had signed up by 2025-03-01; choose a later --as-of
--- sh
test ! -e out
--- run
map --as-of 2025-03-01
--- exit 1
--- stderr
csmap: error: none of the 1 accounts in 'csmap.db' had signed up by 2025-03-01; choose a later --as-of
--- run
generate health-brief --all --as-of 2025-03-01
--- exit 1
--- stderr
csmap: error: none of the 1 accounts in 'csmap.db' had signed up by 2025-03-01; choose a later --as-of
