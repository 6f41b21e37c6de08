#!/usr/bin/env bash
# Runs the taskq benchmarks against a release binary.
#   bench/run.sh TASKQ_BINARY               # SQLite, a fresh file in a temp dir
#   bench/run.sh TASKQ_BINARY postgres      # a throwaway local PostgreSQL with stock settings (fsync on)
#   bench/run.sh TASKQ_BINARY redis         # a throwaway local redis-server with AOF (appendfsync everysec)
#   bench/run.sh TASKQ_BINARY URL           # any database URL
set -euo pipefail
here=$(dirname "$0")
bin=$1 backend=${2:-sqlite}
case "$backend" in
  sqlite) exec python3 "$here/bench.py" "$bin" ;;
  postgres)
    . "$here/postgres-server.sh"
    python3 "$here/bench.py" "$bin" "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  redis)
    . "$here/redis-server.sh"
    python3 "$here/bench.py" "$bin" "redis://127.0.0.1:$port/0"
    ;;
  *) exec python3 "$here/bench.py" "$bin" "$backend" ;;
esac
