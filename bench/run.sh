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
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    dir=$(mktemp -d /tmp/taskq-bench-pg-XXXXXX)
    as_pg() { if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$dir"; runuser -u postgres -- "$@"; else "$@"; fi; }
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    as_pg "$pgbin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
    as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -c listen_addresses=127.0.0.1 -k $dir" start >/dev/null
    trap 'as_pg "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null; rm -rf "$dir"' EXIT
    python3 "$here/bench.py" "$bin" "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  redis)
    . "$here/redis-server.sh"
    python3 "$here/bench.py" "$bin" "redis://127.0.0.1:$port/0"
    ;;
  *) exec python3 "$here/bench.py" "$bin" "$backend" ;;
esac
