# The offline demo: csmap weekly on fixtures/demo replays a recorded answer
# (fixtures/llm) for every artifact it schedules, and every answer passes
# its checks: all sections or JSON keys present, no ungrounded number.
# The on-demand answers recorded for the demo replay too.
--- sh
cp -R "$CSMAP_ROOT/fixtures/demo" "$CSMAP_ROOT/fixtures/llm" .
--- run
--db s.db --config demo/csmap.json ingest demo/accounts.csv demo/contracts.csv demo/contacts.csv demo/events.csv demo/events.jsonl demo/tickets.json demo/feedback.jsonl
--- run
--db s.db --config demo/csmap.json weekly --as-of 2026-11-30 -o out
--- stderr ~
^csmap: [1-9][0-9]* artifacts scheduled for
^csmap: [1-9][0-9]* generated, 0 from cache, 0 failed;
--- sh
test -s out/index.md
bad=$(grep -E '^\| [a-z-]+ \| (account|segment) ' out/index.md | grep -v '| generated | ok |' || true)
test -z "$bad" || { echo "$bad" >&2; exit 1; }
grep -q '^| followup-sequence | account acme-co | generated | ok |' out/index.md
grep -q '^| proposal-blocks | account redwood-games | generated | ok |' out/index.md
# An unchanged artifact file is left alone; one edited by hand is put back.
touch -d 2001-02-03 out/followup-sequence/acme-co.json
cp out/proposal-blocks/redwood-games.json redwood.json
echo edited > out/proposal-blocks/redwood-games.json
--- run
--db s.db --config demo/csmap.json weekly --as-of 2026-11-30 -o out
--- stderr ~
^csmap: 0 generated, [1-9][0-9]* from cache, 0 failed;
--- sh
test "$(date -r out/followup-sequence/acme-co.json +%Y)" = 2001
cmp out/proposal-blocks/redwood-games.json redwood.json
--- run
--db s.db --config demo/csmap.json generate qbr-prep --account juniper-labs --as-of 2026-11-30
--- stdout ~
^## Where they stand
^## Agenda
--- run
--db s.db --config demo/csmap.json generate sentiment-trend --segment mid-market --as-of 2026-11-30
--- stdout ~
^## NPS
^## Sentiment
