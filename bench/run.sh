#!/usr/bin/env bash
# Runs the taskq benchmarks against a release binary. usage: bench/run.sh TASKQ_BINARY [BACKEND_URL]
set -euo pipefail
exec python3 "$(dirname "$0")/bench.py" "$@"
