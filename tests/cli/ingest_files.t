# Whole files that cannot be read: empty, not CSV or JSON, a missing file,
# a missing required column, and a kind that cannot be told.
--- file empty.csv
--- run
ingest empty.csv
--- exit 65
--- stderr
csmap: error: empty.csv: the file is empty
--- sh
printf '\211PNG\r\n\032\n\000\000\000\rIHDR' > image.csv
--- run
ingest image.csv
--- exit 65
--- stderr
csmap: error: image.csv: not a CSV or JSON file
--- sh
printf '\377\376a\000,\000b\000\n\000' > utf16.csv
--- run
ingest utf16.csv
--- exit 65
--- stderr
csmap: error: utf16.csv: the file is UTF-16; save it as UTF-8
--- run
ingest nosuch.csv
--- exit 1
--- stderr ~
^csmap: error: cannot read 'nosuch.csv': No such file or directory$
--- file accounts.csv
account_id,name,plan
acme,Acme,pro
--- run
ingest --kind accounts accounts.csv
--- exit 65
--- stderr
csmap: error: accounts.csv: missing required column 'signup_date'
--- file notes.txt
Dear team, here are my notes.
Nothing in here is data.
--- run
ingest notes.txt
--- exit 65
--- stderr
csmap: error: notes.txt: cannot tell what this file holds; name the kind with --kind, or the source with --preset zendesk or segment
--- sh
mkdir folder
--- run
ingest folder
--- exit 1
--- stderr
csmap: error: cannot read 'folder': Is a directory
