# csmap signals, health and alerts refuse bad input with a clear message.
--- sh
cp "$CSMAP_ROOT"/tests/cli/data/small/* .
"$CSMAP" -q ingest accounts.csv contracts.csv contacts.csv events.csv tickets.csv feedback.csv
--- run
signals --as-of 2026-02-30
--- exit 2
--- stderr ~
^csmap: error: --as-of: '2026-02-30' is not a date \(expected YYYY-MM-DD\)$
--- run
signals --as-of=yesterday
--- exit 2
--- run
signals --account nope --as-of 2026-03-31
--- exit 1
--- stderr ~
^csmap: error: unknown account 'nope'$
--- run
alerts --segment enterprise --as-of 2026-03-31
--- exit 1
--- stderr ~
^csmap: error: no account in segment 'enterprise' as of 2026-03-31$
--- run
signals --format xml
--- exit 2
--- stderr ~
--format: 'xml' is not table, json or csv
--- run
health --frobnicate
--- exit 2
--- stderr ~
^csmap: error: health: unknown option '--frobnicate'
--- run
health --compare 2026-03-01
--- exit 2
--- stderr ~
--compare needs --account
--- run
health --account acme --compare 2026-3-1
--- exit 2
--- stderr ~
^csmap: error: --compare: '2026-3-1' is not a date
--- run
signals --as-of 2025-12-31
--- exit 1
--- stderr ~
^csmap: error: none of the 3 accounts in 'csmap.db' had signed up by 2025-12-31; choose a later --as-of$
--- run
--config missing.json signals
--- exit 1
--- stderr ~
^csmap: error: no configuration 'missing.json'
--- file bad.json
{"onboarding": {"steps": [{"name": "s", "event": "(unclosed"}],
                "first_value_event": "x"},
 "usage": {"core_events": ["y"]}}
--- run
--config bad.json signals
--- exit 1
--- stderr ~
^csmap: error: bad.json: onboarding.steps\[0\].event: invalid regex at offset 9
--- file empty.json
{}
--- run
--config empty.json alerts
--- exit 1
--- stderr ~
onboarding.steps: missing
--- run
--db none.db signals
--- exit 1
--- stderr ~
^csmap: error: no store at 'none.db'
