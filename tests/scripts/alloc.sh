#!/bin/sh
# Allocation failure walk (see alloc.py); builds the ALLOC_FAULTS binary
# with sanitizers into its own folder first.
here=$(dirname "$0")
root=$here/../..
san=address,undefined
make -s -C "$root" -j2 ALLOC_FAULTS=1 SANITIZE=$san build/san/alloc/csmap \
    >/dev/null 2>&1 || { echo "FAIL alloc: cannot build the alloc binary"; \
    echo "0 passed, 1 failed"; exit 1; }
ALLOC_BIN=$(cd "$root" && pwd)/build/san/alloc/csmap \
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
UBSAN_OPTIONS=print_stacktrace=1 \
    exec python3 "$here/alloc.py"
