# 'cache' needs a subcommand and a store.
--- run
cache
--- exit 2
--- stderr
csmap: error: cache: name a subcommand: ls, show, rm, prune or stats; see 'csmap cache --help'
--- run
cache frob
--- exit 2
--- stderr
csmap: error: cache: unknown subcommand 'frob'; see 'csmap cache --help'
--- run
cache ls
--- exit 1
--- stderr ~
^csmap: error: no store at 'csmap.db'
--- run
cache --help
--- stdout ~
^usage: csmap cache ls
