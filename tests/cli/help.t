# Every command answers --help on standard output with exit 0.
--- run
--help
--- stdout ~
^usage: csmap
--- run
--version
--- stdout ~
^csmap [0-9]+\.[0-9]+\.[0-9]+$
--- run
ingest --help
--- stdout ~
^usage: csmap ingest
--- run
nosuchcommand
--- exit 2
--- stderr ~
^csmap: error: 'nosuchcommand' is not a csmap command
--- run
--frobnicate
--- exit 2
--- stderr ~
^csmap: error: unknown option '--frobnicate'
