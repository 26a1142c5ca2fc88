# Partials come from the template's own folder unless --partials says
# otherwise, and a partial name cannot leave that folder.
--- file site/page.mustache
<{{>head}}|{{>../secret}}|{{>*which}}>
--- file site/head.mustache
head {{title}}
--- file site/alt.mustache
alt
--- file secret.mustache
SECRET
--- file data.json
{"title": "T", "which": "alt"}
--- run
template render site/page.mustache data.json
--- stdout
<head T
||alt
>
--- run
template render --partials . site/page.mustache data.json
--- stdout
<||>
