# Bad usage exits 2; unreadable or invalid input names the file.
--- file t.mustache
{{x}}
--- run
template render --escape latex t.mustache
--- exit 2
--- stderr ~
^csmap: error: template: unknown escape mode 'latex'
--- run
template render
--- exit 2
--- stderr ~
^csmap: error: template: render needs a template file
--- run
template show t.mustache
--- exit 2
--- stderr ~
^csmap: error: template: unknown action 'show'
--- run
template render t.mustache nosuch.json
--- exit 1
--- stderr
csmap: error: cannot read data file 'nosuch.json': No such file or directory
--- run
template render nosuch.mustache
--- exit 1
--- stderr
csmap: error: cannot read template 'nosuch.mustache': No such file or directory
--- file broken.json
{"x": [1,
  2,, 3]}
--- run
template render t.mustache broken.json
--- exit 65
--- stderr
csmap: error: invalid JSON in 'broken.json': line 2, column 5 (byte 14)
--- run
template render --help
--- stdout ~
^usage: csmap template render
--- run
template render - -
--- exit 2
--- stderr ~
^csmap: error: template: the template and the data cannot both be standard input
--- run
template render - t.json
--- stdin
[{{x}}]
--- file t.json
{"x": "from stdin"}
--- stdout
[from stdin]
