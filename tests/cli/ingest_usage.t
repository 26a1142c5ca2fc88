# Bad command lines exit 2 and load nothing.
--- run
ingest --kind widgets data.csv
--- exit 2
--- stderr ~
^csmap: error: ingest: unknown kind 'widgets'
--- run
ingest
--- exit 2
--- stderr ~
^csmap: error: ingest: no file to load
--- run
ingest --preset nosuch data.csv
--- exit 2
--- stderr ~
^csmap: error: ingest: unknown preset 'nosuch'
--- run
ingest --frob data.csv
--- exit 2
--- stderr ~
unknown option '--frob'
--- sh
test ! -e csmap.db
--- run
ingest --preset zendesk --kind accounts data.json
--- exit 2
--- stderr ~
^csmap: error: ingest: --preset zendesk loads tickets, not accounts
