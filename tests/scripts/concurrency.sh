#!/bin/sh
# Two csmap processes on one workspace (see concurrency.py).
exec python3 "$(dirname "$0")/concurrency.py"
