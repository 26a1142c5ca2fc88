# Mistakes in a generate or weekly command line are bad usage (exit 2),
# said before any work: an unknown provider, an artifact no prompt makes,
# --account with --segment, and -C naming no folder.  A dry run sends
# nothing, so it needs no API key.
--- sh
cp "$CSMAP_ROOT"/tests/cli/data/small/* .
"$CSMAP" -q ingest accounts.csv contracts.csv contacts.csv events.csv tickets.csv feedback.csv
--- run
generate health-brief --account acme --provider bogus --as-of 2026-03-31
--- exit 2
--- stderr
csmap: error: generate: unknown provider 'bogus' (expected openai, anthropic or fixture); see 'csmap generate --help'
--- run
weekly --provider bogus
--- exit 2
--- stderr
csmap: error: weekly: unknown provider 'bogus' (expected openai, anthropic or fixture); see 'csmap weekly --help'
--- run
generate nosuch --all
--- exit 2
--- stderr
csmap: error: no prompt named 'nosuch'; see 'csmap prompts ls'
--- run
generate health-brief --account acme --segment smb
--- exit 2
--- stderr
csmap: error: generate: --account and --segment do not go together; see 'csmap generate --help'
--- run
-C no/such/folder signals
--- exit 2
--- stderr
csmap: error: cannot change to 'no/such/folder': No such file or directory
--- run
generate health-brief --account acme --as-of 2026-03-31 --provider anthropic --dry-run
--- stdout ~
^=== health-brief for account 'acme' as of 2026-03-31
^provider anthropic, model
--- stderr
csmap: dry run: 1 request printed, nothing sent
