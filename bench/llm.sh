#!/bin/sh
# LLM layer benchmark (run by make bench, not by make check): N requests
# (default 1000) against the mock server answering after DELAY ms (default
# 100), with jobs 1, 8 and 32, each followed by the same run answered from
# the cache.
#
#   make bench                             # both benchmarks
#   sh bench/llm.sh
#   BENCH_LLM_N=200 sh bench/llm.sh       # a quicker run
set -e
BUILD=${BUILD:-build}
N=${BENCH_LLM_N:-1000}
DELAY=${BENCH_LLM_DELAY_MS:-100}
JOBS=${BENCH_LLM_JOBS:-"1 8 32"}
work=$(mktemp -d /tmp/csmap-bench-llm.XXXXXX)
trap 'kill "$mock" 2>/dev/null; rm -rf "$work"' EXIT

[ -x "$BUILD/tests/mockllm" ] || make -s "$BUILD/tests/mockllm"
for d in util llm cache store; do
    for f in src/$d/*.c; do make -s "$BUILD/obj/${f%.c}.o"; done
done
make -s "$BUILD/obj/gen/embedded.o"
objs="$BUILD/obj/gen/embedded.o $(ls "$BUILD"/obj/src/util/*.o \
    "$BUILD"/obj/src/llm/*.o "$BUILD"/obj/src/cache/*.o \
    "$BUILD"/obj/src/store/*.o)"
# shellcheck disable=SC2086
cc -std=c11 -D_GNU_SOURCE -O2 -Iinclude -o "$work/driver" bench/llm_driver.c \
    $objs $(pkg-config --libs libcurl libcjson sqlite3 libpcre2-8 libcrypto) -lm

"$BUILD/tests/mockllm" --port 0 --delay-ms "$DELAY" --max-seconds 3600 \
    > "$work/port" &
mock=$!
while [ ! -s "$work/port" ]; do sleep 0.05; done
port=$(cat "$work/port")

echo "llm: $N requests, mock answering after $DELAY ms"
for j in $JOBS; do
    printf '  ideal for jobs %s: %s s\n' "$j" \
        "$(awk -v n="$N" -v d="$DELAY" -v j="$j" 'BEGIN { printf "%.3f", n * d / 1000 / j }')"
    "$work/driver" "$port" "$j" "$N" "$work/jobs$j.db" | sed 's/^/  /'
    printf '  from cache: '
    "$work/driver" "$port" "$j" "$N" "$work/jobs$j.db"
done
