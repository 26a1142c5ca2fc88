# A workspace prompt with a bad header is refused at FILE:LINE.
--- file prompts/health-brief.mustache
{{!
name: health-brief
version: 1
stage: health
scope: account
output: markdown
model: gpt-4o
}}
<<<user>>>
--- file prompts/stuck-alert.mustache
You are a helpful assistant.
--- run
prompts ls
--- exit 65
--- stderr ~
^csmap: error: prompts/health-brief.mustache:7: unknown key 'model' in the prompt header \(known: name, version, stage, scope, output, audience, description, sections, json_keys\)$
^csmap: error: prompts/stuck-alert.mustache:1: no prompt header: a prompt file starts with a '\{\{!' comment block
--- stdout ~
^qbr-prep +1 +all
--- run
prompts show stuck-alert
--- stdout
You are a helpful assistant.
