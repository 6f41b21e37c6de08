#!/usr/bin/env bash
# Server CPU per drained job on Redis: what a drain costs redis-server itself, which bounds the drain rate.
#   bench/redis_drain_cpu.sh BIN [BIN…]    # alternates the binaries, ROUNDS (default 3) times
# Starts a throwaway redis-server with AOF (as bench/run.sh does); per binary and round: FLUSHALL, `migrate`, JOBS
# (default 40,000) no-op jobs enqueued, then one default `run-worker --burst` timed while `perf stat -e task-clock`
# counts redis-server's CPU (all its threads) and `INFO commandstats` the script time. Prints jobs/s, server CPU µs
# per job and EVALSHA µs per job.
set -euo pipefail
jobs=${JOBS:-40000} rounds=${ROUNDS:-3}
. "$(dirname "$0")/redis-server.sh"
python3 -c "
import sys
with open(sys.argv[1], 'w') as f:
    for i in range($jobs): f.write('{\"name\": \"j%d\", \"task\": \"noop\"}\n' % i)
" "$dir/jobs.jsonl"
export TASKQ_DATABASE_URL="redis://127.0.0.1:$port/0"
for _ in $(seq "$rounds"); do
  for bin in "$@"; do
    redis-cli -p "$port" flushall >/dev/null
    "$bin" migrate >/dev/null
    "$bin" create-job --from-file "$dir/jobs.jsonl" >/dev/null 2>&1
    redis-cli -p "$port" config resetstat >/dev/null
    perf stat -e task-clock -x, -o "$dir/stat.txt" -p "$(cat "$dir/redis.pid")" & stat=$!
    sleep 0.2
    start=$(date +%s.%N)
    "$bin" run-worker --burst --log-level error
    end=$(date +%s.%N)
    kill -INT "$stat"; wait "$stat" 2>/dev/null || true
    cpu_ms=$(grep task-clock "$dir/stat.txt" | cut -d, -f1)
    script_us=$(redis-cli -p "$port" info commandstats | tr -d '\r' | sed -n 's/^cmdstat_evalsha:.*usec=\([0-9]*\),.*/\1/p')
    python3 -c "
import sys
jobs, start, end, cpu_ms, script_us = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
print(f'{sys.argv[1]:<40} {jobs / (end - start):9,.0f} jobs/s   server CPU {cpu_ms * 1000 / jobs:5.1f} µs/job   EVALSHA {script_us / jobs:5.1f} µs/job')
" "$bin" "$jobs" "$start" "$end" "$cpu_ms" "$script_us"
  done
done
