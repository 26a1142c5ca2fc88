#!/bin/sh
# Open the HTML map in headless Chromium: no console error or blocked
# request, the heat map and the seven stage nodes in the DOM, no network
# URL, and a screenshot.  Ends with "N passed, N failed".
BUILD=${BUILD:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
case $BUILD in /*) build=$BUILD ;; *) build=$root/$BUILD ;; esac
csmap=$build/csmap
passed=0
failed=0

ok() { echo "ok $*"; passed=$((passed + 1)); }
fail() { echo "FAIL browser: $*"; failed=$((failed + 1)); }
check() { what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

if ! command -v chromium >/dev/null 2>&1; then
    fail "chromium is not installed; scripts/install-deps installs it"
    finish
fi

work=$build/browser
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1

# The demo data set when it is there, else a small one written here.
demo=$root/fixtures/demo
as_of=2026-11-30
if [ -f "$demo/csmap.json" ]; then
    cp "$demo/csmap.json" csmap.json
    set --
    for f in accounts.csv contracts.csv contacts.csv events.csv events.jsonl \
             tickets.json tickets.csv feedback.jsonl; do
        [ -f "$demo/$f" ] && set -- "$@" "$demo/$f"
    done
    data="fixtures/demo"
else
    "$csmap" -q init . || exit 1
    cat > accounts.csv <<'EOF'
account_id,name,segment,plan,seats,arr,owner,signup_date
acme,Acme & <Sons>,smb,starter,5,12000,Ann,2026-09-01
bolt,Bolt Ltd,smb,starter,5,8000,Ann,2026-11-10
corp,Corp Inc,enterprise,pro,50,150000,Ben,2025-06-01
EOF
    cat > events.csv <<'EOF'
account_id,user_id,event,timestamp
acme,u1,source.connected,2026-09-02T10:00:00Z
acme,u1,report.created,2026-09-03T10:00:00Z
acme,u1,report.shared,2026-09-04T10:00:00Z
acme,u2,dashboard.viewed,2026-11-25T10:00:00Z
bolt,u3,source.connected,2026-11-11T10:00:00Z
corp,u4,source.connected,2025-06-02T10:00:00Z
corp,u4,report.created,2025-06-03T10:00:00Z
corp,u4,report.shared,2025-06-04T10:00:00Z
corp,u5,dashboard.viewed,2026-10-20T10:00:00Z
corp,u5,dashboard.viewed,2026-11-27T10:00:00Z
EOF
    set -- accounts.csv events.csv
    data="a small data set"
fi
echo "browser: $data, as of $as_of"
"$csmap" -q ingest "$@" >/dev/null 2>ingest.log
status=$?
# 65 only says that some rows were rejected, which a demo may show off.
check "ingest $data (exit $status)" [ "$status" -eq 0 -o "$status" -eq 65 ]

"$csmap" map --as-of "$as_of" --format html -o "$build/map.html" \
    2>map.log
status=$?
check "csmap map --format html exits 0 (got $status)" [ "$status" -eq 0 ]
[ -f "$build/map.html" ] || finish

chrome() {
    timeout 120 chromium --headless --no-sandbox --disable-gpu \
        --disable-quic --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync \
        --user-data-dir="$(mktemp -d "$work/profile.XXXXXX")" \
        --enable-logging=stderr --v=0 "$@"
}

# Console messages, blocked requests and CSP reports all reach this log.
bad_log() {
    grep -E ':CONSOLE|Refused to|Content.Security.Policy|net::ERR_' "$1"
}

chrome --screenshot="$build/map.png" --window-size=1400,2000 \
    "file://$build/map.html" >/dev/null 2>shot.log
check "screenshot $build/map.png exists" test -s "$build/map.png"

pages=$(ls "$build"/map.html "$build"/map-*.html 2>/dev/null)
for page in $pages; do
    name=$(basename "$page")
    chrome --dump-dom "file://$page" >"$name.dom" 2>"$name.log"
    check "$name: the DOM loads" test -s "$name.dom"
    if bad_log "$name.log" >"$name.bad"; then
        fail "$name: console errors or blocked requests:"
        sed 's/^/  /' "$name.bad" | head -n 10
    else
        ok "$name: no console error, no blocked request"
    fi
    if grep -Eq '(src|href|action|srcset)="(https?:)?//' "$name.dom"; then
        fail "$name: a network URL in src or href"
    else
        ok "$name: no network URL in src or href"
    fi
    check "$name: no script" sh -c "! grep -qi '<script' '$name.dom'"
    check "$name: html lang and CSP meta" sh -c \
        "grep -q '<html lang=\"en\"' '$name.dom' &&
         grep -q \"default-src 'none'\" '$name.dom'"
    # The index lists the segments; every other page is a segment's map.
    if grep -q 'id="index"' "$name.dom"; then
        check "$name: the segment index" \
            grep -q '<table class="grid index">' "$name.dom"
    fi
    if grep -q '<section class="page"' "$name.dom"; then
        nodes=$(grep -o '<li class="node [a-z]*" id="seg-[^"]*"' \
            "$name.dom" | wc -l)
        pages_in=$(grep -o '<section class="page"' "$name.dom" | wc -l)
        check "$name: seven stage nodes per segment ($nodes for $pages_in)" \
            [ "$nodes" -eq $((7 * pages_in)) ]
        check "$name: the heat map" \
            grep -Eq '<table class="grid heat" id="seg-[^"]*-heatmap">' \
            "$name.dom"
        check "$name: heat map cells carry text, not colour alone" \
            grep -Eq '<td class="cell (problem|watch|ok|opportunity|nodata)" title="[^"]*"><span aria-hidden="true">[^<]+</span><span class="sr">' \
            "$name.dom"
        check "$name: every account row links to its section" sh -c \
            "grep -o 'th scope=\"row\"><a href=\"#a-[^\"]*\"' '$name.dom' |
             sed 's/.*#//; s/\"//' | sort -u > '$name.links' &&
             test -s '$name.links' &&
             while read -r a; do
                 grep -q \"<article class=\\\"acct\\\" id=\\\"\$a\\\"\" '$name.dom' || exit 1
             done < '$name.links'"
    fi
done
finish
