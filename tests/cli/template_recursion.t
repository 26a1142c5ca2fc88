# A partial that includes itself forever is an error, not a hang.
--- file main.mustache
start {{>loop}}
--- file p/loop.mustache
again {{>loop}}
--- run
template render --partials p main.mustache
--- exit 1
--- stdout
--- stderr ~
^csmap: error: p/loop\.mustache:1:7: partials nested more than 64 deep
