#!/bin/sh
# csmap's signals against an independent reading of DESIGN section 6, on
# the demo data and on a generated set in every input format.
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
demo=fixtures/demo
status=0
p=0
f=0
tally() {
    line=$(tail -n 1 "$tmp/out")
    p=$((p + $(echo "$line" | cut -d' ' -f1)))
    f=$((f + $(echo "$line" | cut -d' ' -f3)))
    grep -v 'passed, .* failed' "$tmp/out"
}
python3 tests/oracle/signals.py "$BUILD/csmap" $demo/csmap.json \
    2026-11-30,2026-11-02,2026-10-01,2026-06-15 \
    $demo/accounts.csv $demo/contracts.csv $demo/contacts.csv \
    $demo/events.csv $demo/events.jsonl $demo/tickets.json \
    $demo/feedback.jsonl > "$tmp/out" 2>&1
tally
"$BUILD/csmap-gen" --seed 11 --accounts 150 --events 60000 \
    --formats csv,segment,zendesk -o "$tmp/gen" > /dev/null 2>&1
python3 tests/oracle/signals.py "$BUILD/csmap" $demo/csmap.json \
    2026-11-30,2026-09-13 "$tmp/gen/accounts.csv" "$tmp/gen/contracts.csv" \
    "$tmp/gen/contacts.csv" "$tmp/gen/events.csv" "$tmp/gen/events.jsonl" \
    "$tmp/gen/tickets.json" "$tmp/gen/feedback.jsonl" > "$tmp/out" 2>&1
tally
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
