#!/bin/sh
# The API key never leaks; files are private (see secrets.py).
exec python3 "$(dirname "$0")/secrets.py"
