#!/bin/sh
# The man page must match the program's --help texts.
BUILD=${BUILD:-build}
tmp=$(mktemp)
scripts/manpage "$BUILD/csmap" > "$tmp"
if cmp -s "$tmp" docs/csmap.1; then
    echo "man page matches --help"
    echo "1 passed, 0 failed"
    rm -f "$tmp"
    exit 0
fi
echo "FAIL docs/csmap.1 differs from --help; run: scripts/manpage ./csmap > docs/csmap.1"
diff "$tmp" docs/csmap.1 | head -20
rm -f "$tmp"
echo "0 passed, 1 failed"
exit 1
