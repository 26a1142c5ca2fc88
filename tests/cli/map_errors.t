# csmap map refuses bad input with a clear message and the documented code.
--- file csmap.json
{
  "onboarding": {
    "steps": [
      {"name": "connect_source", "event": "^source\\.connected$"},
      {"name": "first_report", "event": "^report\\.created$"}
    ],
    "first_value_event": "^report\\.shared$"
  },
  "usage": {"core_events": ["^report\\.", "^dashboard\\.viewed$"]}
}
--- file accounts.csv
account_id,name,segment,seats,arr,owner,signup_date
acme,Acme Corp,smb,5,12000,Ann,2026-01-05
corp,Corp Inc,enterprise,50,150000,Ben,2025-06-01
--- run
map --format pdf
--- exit 2
--- stderr ~
^csmap: error: map: unknown format 'pdf' \(expected md, html or json\)
--- run
map --as-of 2026-13-01
--- exit 2
--- stderr ~
^csmap: error: --as-of: '2026-13-01' is not a date
--- run
map --frobnicate
--- exit 2
--- stderr ~
^csmap: error: map: unknown option '--frobnicate'
--- run
map --segment
--- exit 2
--- stderr ~
^csmap: error: map: --segment needs a value
--- run
map --as-of 2026-03-01
--- exit 1
--- stderr ~
^csmap: error: no store at 'csmap.db'
--- run
--config other.json map --as-of 2026-03-01
--- exit 1
--- stderr ~
^csmap: error: no configuration 'other.json'; write one with 'csmap init'
--- run
ingest accounts.csv
--- run
map --as-of 2020-01-01
--- exit 1
--- stdout
--- stderr ~
^csmap: error: none of the 2 accounts in 'csmap.db' had signed up by 2020-01-01; choose a later --as-of$
--- run
map --as-of 2026-03-01 --segment mid-market
--- exit 1
--- stdout
--- stderr ~
^csmap: error: no account in segment 'mid-market' as of 2026-03-01; the segments are 'enterprise', 'smb'$
--- run
map --as-of 2026-03-01 -o missing/map.html
--- exit 1
--- stderr ~
^csmap: error: cannot write 'missing/map.html': the folder 'missing' does not exist$
--- sh
test ! -e missing
--- end
