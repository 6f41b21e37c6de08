# Sourced by the bench scripts: starts a throwaway PostgreSQL cluster with stock settings (fsync on) on a free loopback
# port in a temp dir, and stops it and removes the dir on exit. Sets `dir`, `port`, `pgbin` and `as_pg` (runs a
# command as the postgres user when root).
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d /tmp/taskq-bench-pg-XXXXXX)
as_pg() { if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$dir"; runuser -u postgres -- "$@"; else "$@"; fi; }
trap '[ -f "$dir/data/postmaster.pid" ] && as_pg "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1; rm -rf "$dir"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg "$pgbin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -c listen_addresses=127.0.0.1 -k $dir" start >/dev/null
