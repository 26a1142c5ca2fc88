# Zendesk: an API page with other keys, and incremental-export JSON Lines.
# The organization is found through zendesk: external ids, then as an
# account_id; a ticket whose organization matches no account is rejected.
--- file accounts.csv
account_id,name,signup_date,external_ids
acme,Acme,2024-01-05,zendesk:3601
42,Answer Co,2024-01-05,
--- file page.json
{
  "tickets": [
    {"id": 1, "organization_id": 3601, "created_at": "2024-05-01T10:00:00Z",
     "updated_at": "2024-05-03T10:00:00Z", "status": "solved",
     "priority": "High", "subject": "SSO [broken]",
     "description": "a \"quote\" and {braces}", "tags": ["sso", "login"]},
    {"id": 2, "organization_id": 999, "created_at": "2024-05-01T10:00:00Z",
     "status": "open"},
    {"id": 3, "organization_id": 42, "created_at": "2024-05-01T10:00:00Z",
     "status": "open", "metric_set": {"solved_at": null},
     "solved_at": "2024-05-02T00:00:00Z", "priority": null}
  ],
  "next_page": "https://example.zendesk.com/api/v2/tickets.json?page=2",
  "count": 3
}
--- file export.jsonl
{"id": 4, "organization_id": 3601, "created_at": "2024-06-01T10:00:00Z", "status": "pending", "updated_at": "2024-06-02T10:00:00Z"}
{"id": 1, "organization_id": 3601, "created_at": "2024-05-01T10:00:00Z", "status": "closed", "updated_at": "2024-05-04T10:00:00Z", "metric_set": {"solved_at": "2024-05-03T09:00:00Z"}}
--- run
ingest accounts.csv page.json
--- exit 65
--- stderr
csmap: accounts.csv: accounts, 2 read, 2 loaded, 0 replaced, 0 rejected, 0 skipped
csmap: error: page.json:7: organization_id: no account for Zendesk organization '999' (as zendesk:999 or as an account_id) [ticket 2]
csmap: page.json: tickets (zendesk), 3 read, 2 loaded, 0 replaced, 1 rejected, 0 skipped
--- sh
test "$(sqlite3 csmap.db "SELECT tags || '|' || priority || '|' || (resolved_at - created_at) FROM ticket WHERE ticket_id = '1'")" = 'sso login|high|172800'
test "$(sqlite3 csmap.db "SELECT a.account_id || '|' || (resolved_at - created_at) || '|' || coalesce(priority, 'none') FROM ticket t JOIN account a ON a.id = t.account WHERE ticket_id = '3'")" = '42|50400|none'
--- run
ingest export.jsonl
--- stderr
csmap: export.jsonl: tickets (zendesk), 2 read, 1 loaded, 1 replaced, 0 rejected, 0 skipped
--- sh
test "$(sqlite3 csmap.db "SELECT status || '|' || (resolved_at - created_at) FROM ticket WHERE ticket_id = '1'")" = 'closed|169200'
test -z "$(sqlite3 csmap.db "SELECT resolved_at FROM ticket WHERE ticket_id = '4'")"
--- run
ingest --preset zendesk accounts.csv
--- exit 65
--- stderr ~
accounts.csv: the zendesk preset reads JSON or JSON Lines
