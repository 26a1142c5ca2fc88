# A field mapping under "sources" in csmap.json reads other exports: chosen
# with --preset NAME, or found because its mapped columns are in the header.
--- file csmap.json
{
  // HubSpot company export
  "sources": {
    "hubspot_companies": {
      "kind": "accounts",
      "map": {"account_id": "Record ID", "name": "Company name",
              "signup_date": "Create Date", "seats": "Number of Employees"}
    }
  }
}
--- file companies.csv
Record ID,Company name,Create Date,Number of Employees,Industry
881,Acme,2024-01-05 10:00,25,Retail
882,Beta,2024-02-01 09:30,,Banking
--- run
ingest companies.csv
--- stderr
csmap: warning: companies.csv: unknown columns ignored: 'Industry'
csmap: companies.csv: accounts (hubspot_companies), 2 read, 2 loaded, 0 replaced, 0 rejected, 0 skipped
--- file renamed.csv
Record ID,Company name,Create Date
883,Gamma,2024-03-01
--- run
ingest --preset hubspot_companies renamed.csv
--- stderr
csmap: renamed.csv: accounts (hubspot_companies), 1 read, 1 loaded, 0 replaced, 0 rejected, 0 skipped
--- sh
test "$(sqlite3 csmap.db "SELECT group_concat(account_id || ':' || name || ':' || coalesce(seats, '-'), ' ') FROM account")" = '881:Acme:25 882:Beta:- 883:Gamma:-'
test "$(sqlite3 csmap.db "SELECT preset FROM ingest_log WHERE path = 'renamed.csv'")" = hubspot_companies
