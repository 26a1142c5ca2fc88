#!/bin/sh
# Kill weekly and ingest at random points and rerun (see crash.py).
exec python3 "$(dirname "$0")/crash.py"
