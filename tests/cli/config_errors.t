# A bad configuration is refused at load with the file, the JSON path and
# what is wrong, nested keys included; a weekly schedule that names an
# artifact no prompt makes is refused before any work, and doctor says so.
--- file base.sh
cat > csmap.json <<JSON
{"onboarding": {"steps": [{"name": "s", "event": "^s$"}], "first_value_event": "^v$"},
 "usage": {"core_events": ["^c"]},
 "llm": {"provider": "fixture", "fixtures_dir": "fx"}, $1}
JSON
--- sh
printf 'account_id,name,signup_date\na1,A,2026-01-01\n' > a.csv
sh base.sh '"health": {"weights": {"usage": -1, "vibes": 2}, "bands": {"red": 140}}'
--- run
signals
--- exit 1
--- stderr
csmap: error: csmap.json: health.weights.usage: must be between 0 and 1000
csmap: warning: csmap.json: health.weights.vibes: unknown key, ignored
csmap: error: csmap.json: health.bands.red: must be between 0 and 100
--- sh
sh base.sh '"segments": "segment", "llm2": 1, "artifacts": {"health-brief": "bogus", "qbr-prep": 7, "stuck-alert": ["stuck", 3]}'
sed -i 's/"llm": {"provider": "fixture", "fixtures_dir": "fx"}, //; s/"llm2": 1, //' csmap.json
--- run
signals
--- exit 1
--- stderr
csmap: error: csmap.json: artifacts.health-brief: 'bogus' is not a selector (see docs/configuration.md)
csmap: error: csmap.json: artifacts.qbr-prep: must be a selector, a list of selectors, true or false
csmap: error: csmap.json: artifacts.stuck-alert: must be a list of at most 16 selectors
--- sh
sh base.sh '"artifacts": {"no-such-artifact": "all"}'
"$CSMAP" -q ingest a.csv
--- run
weekly --as-of 2026-03-01 -o out
--- exit 1
--- stderr
csmap: error: csmap.json: artifacts.no-such-artifact: no such artifact; see 'csmap prompts ls'
--- sh
test ! -e out
--- run
doctor
--- exit 1
--- stdout ~
^fail  schedule       'artifacts' names an artifact no prompt makes
--- sh
cat > csmap.json <<'JSON'
{"onboarding": {"steps": [{"name": "s", "event": "^s$"}, {"name": "s", "event": "^t$"}],
                "first_value_event": "^v$", "stuck_after_days": 3, "stuck_after_days": "x"},
 "usage": {"core_events": ["^c"]},
 "support": {"topics": {"other": ["misc"]}},
 "llm": {"base_url": "localhost:8080/v1"}}
JSON
--- run
signals
--- exit 1
--- stderr
csmap: error: csmap.json: onboarding.stuck_after_days: the key is given twice
csmap: error: csmap.json: onboarding.steps[1].name: 's' names steps[0] too; step names are unique
csmap: warning: csmap.json: support.topics.other: 'other' is also the topic of tickets no pattern matches, and is never a repeat topic
csmap: error: csmap.json: llm.base_url: 'localhost:8080/v1' is not an http:// or https:// URL
