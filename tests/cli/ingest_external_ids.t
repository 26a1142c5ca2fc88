# An external id given to a second account moves to it, and ingest says
# so: rows that use it go to the new account from then on.
--- file ext.csv
account_id,name,signup_date,external_ids
a1,One,2026-01-01,zendesk:100
a3,Three,2026-01-01,zendesk:100 hubspot:7
--- run
ingest ext.csv
--- stderr
csmap: warning: ext.csv:3: external_ids: 'zendesk:100' named another account; it now names 'a3'
csmap: ext.csv: accounts, 2 read, 2 loaded, 0 replaced, 0 rejected, 0 skipped
--- sh
test "$(sqlite3 csmap.db "SELECT a.account_id FROM account_ext e JOIN account a ON a.id = e.account WHERE ext = 'zendesk:100'")" = a3
