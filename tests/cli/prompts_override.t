# A workspace prompts/ folder overrides built-in prompts and adds new ones.
--- file prompts/health-brief.mustache
{{!
name: health-brief
version: 4
stage: health
scope: account
output: markdown
sections:
  - Verdict
}}
Short.
<<<user>>>
{{account.name}}
--- file prompts/churn-memo.mustache
{{!
name: churn-memo
version: 2
stage: renewal
scope: segment
output: json
json_keys: accounts, summary
}}
Memo.
<<<user>>>
{{segment.segment}}
--- run
prompts ls --format csv
--- stdout ~
^name,version,stage,scope,output,source$
^churn-memo,2,renewal,segment,json,workspace$
^health-brief,4,health,account,markdown,workspace$
^renewal-packet,1,renewal,account,markdown,built-in$
--- run
prompts ls --format json
--- stdout ~
"name":\s+"churn-memo",
"source":\s+"workspace"
--- run
prompts ls
--- stdout ~
^health-brief +4 +health +account +markdown +workspace$
^qbr-prep +1 +all +account +markdown +built-in$
