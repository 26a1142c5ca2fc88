# Template errors name the file, line and column and exit 1.
--- file bad.mustache
Hello
  {{name}
--- run
template render bad.mustache
--- exit 1
--- stdout
--- stderr
csmap: error: bad.mustache:2:3: unclosed tag '{{'
--- file mismatch.mustache
{{#a}}
    {{/b}}
--- run
template render mismatch.mustache
--- exit 1
--- stderr
csmap: error: mismatch.mustache:2:5: section 'a' closed by 'b'
--- file open.mustache
x {{^open}}
--- run
template render open.mustache
--- exit 1
--- stderr
csmap: error: open.mustache:1:3: unclosed section 'open'
