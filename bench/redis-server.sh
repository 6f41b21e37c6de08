# Sourced by the bench scripts: starts a throwaway redis-server with AOF (appendfsync everysec, its default) on a free
# loopback port in a temp dir, and stops it and removes the dir on exit. Sets `dir` and `port`.
dir=$(mktemp -d /tmp/taskq-bench-redis-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes --save '' --daemonize yes \
  --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
trap 'kill "$(cat "$dir/redis.pid")"; sleep 0.2; rm -rf "$dir"' EXIT
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.05; done
