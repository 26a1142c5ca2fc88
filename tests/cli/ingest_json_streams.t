# JSON as tools write it: pages that jq printed one after the other are
# one stream, and in JSON Lines a record over 16 MB is reported and
# skipped while the lines after it still load.
--- file accounts.csv
account_id,name,signup_date,external_ids
acme,Acme,2024-01-05,zendesk:3601
--- file pages.json
{
  "tickets": [
    {"id": 1, "organization_id": 3601, "created_at": "2024-05-01T10:00:00Z",
     "status": "open"}
  ],
  "next_page": "https://example.zendesk.com/api/v2/tickets.json?page=2"
}
{
  "tickets": [
    {"id": 2, "organization_id": 3601, "created_at": "2024-05-02T10:00:00Z",
     "status": "open"},
    {"id": 3, "organization_id": 3601, "created_at": "2024-05-03T10:00:00Z",
     "status": "open"}
  ],
  "next_page": null
}
--- sh
"$CSMAP" -q ingest accounts.csv
python3 - <<'PY'
line = '{"account_id": "acme", "user_id": "u%d", "event": "login", "timestamp": "2024-05-01T10:00:00Z"}\n'
with open("events.jsonl", "w") as f:
    f.write(line % 1)
    f.write('{"account_id": "acme", "user_id": "u2", "event": "login", "blob": "' + "x" * (17 << 20) + '"}\n')
    f.write(line % 3)
    f.write(line % 4)
PY
--- run
ingest pages.json
--- stderr
csmap: pages.json: tickets (zendesk), 3 read, 3 loaded, 0 replaced, 0 rejected, 0 skipped
--- run
ingest events.jsonl
--- exit 65
--- stderr
csmap: error: events.jsonl:2: record longer than 16 MB, skipped
csmap: events.jsonl: events, 4 read, 3 loaded, 0 replaced, 1 rejected, 0 skipped
