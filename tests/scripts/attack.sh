#!/bin/sh
# Inputs that attack (see attack.py).
exec python3 "$(dirname "$0")/attack.py"
