# csmap init writes a commented starting configuration, creating the
# folders it needs, and never overwrites one.
--- run
init team/workspace/
--- stderr ~
^csmap: wrote team/workspace/csmap.json; edit the onboarding steps
--- sh
test -s team/workspace/csmap.json
printf 'account_id,name,signup_date\na1,A,2026-01-01\n' > team/workspace/a.csv
--- run
-C team/workspace ingest a.csv
--- stderr
csmap: a.csv: accounts, 1 read, 1 loaded, 0 replaced, 0 rejected, 0 skipped
--- run
init team/workspace
--- exit 1
--- stderr ~
^csmap: error: 'team/workspace/csmap.json' already exists; not overwriting it$
