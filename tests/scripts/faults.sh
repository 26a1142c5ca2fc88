#!/bin/sh
# The fault matrix against the mock server (see faults.py).
exec python3 "$(dirname "$0")/faults.py"
