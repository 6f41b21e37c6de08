#!/usr/bin/env bash
# What a drain costs PostgreSQL itself, per job: WAL written and server CPU. WAL bytes do not move with a noisy
# machine, so they compare schema changes where a drain's rate cannot.
#   bench/pg_drain_cost.sh BIN [BIN…]    # alternates the binaries, ROUNDS (default 3) times
# Starts a throwaway cluster with stock settings (bench/postgres-server.sh, as bench/run.sh does); per binary and round: a fresh database,
# `migrate`, JOBS (default 20,000) no-op jobs enqueued, a CHECKPOINT, then one default `run-worker --burst` timed.
# WAL: pg_current_wal_lsn() before and after. CPU: user + system time of every server process, counting backends that
# ended through the postmaster's children's times (/proc/PID/stat), in clock ticks. Prints jobs/s, WAL bytes per job
# and server CPU µs per job.
set -euo pipefail
jobs=${JOBS:-20000} rounds=${ROUNDS:-3}
. "$(dirname "$0")/postgres-server.sh"
psql_() { psql -h 127.0.0.1 -p "$port" -U postgres -XAtq "$@"; }
python3 -c "
import sys
with open(sys.argv[1], 'w') as f:
    for i in range($jobs): f.write('{\"name\": \"j%d\", \"task\": \"noop\"}\n' % i)
" "$dir/jobs.jsonl"
ticks=$(getconf CLK_TCK)
# Waits until no session but the asking one is connected to database $1, then a moment for the postmaster to collect
# the backends that ended: a backend's CPU time moves from the live processes to the postmaster's children's times
# only when it is collected, and one read between the two would be counted in neither.
settle() {
  while [ "$(psql_ -d "$1" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")" != 0 ]; do
    sleep 0.05
  done
  sleep 0.3
}
server_cpu() {
  local postmaster; postmaster=$(head -1 "$dir/data/postmaster.pid")
  { awk '{print $16 + $17}' "/proc/$postmaster/stat"
    for p in $(pgrep -P "$postmaster"); do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || true; done
    awk '{print $14 + $15}' "/proc/$postmaster/stat"; } | awk '{s += $1} END {print s}'
}
for round in $(seq "$rounds"); do
  for bin in "$@"; do
    db="cost_${round}_$RANDOM"
    psql_ -d postgres -c "CREATE DATABASE $db"
    export TASKQ_DATABASE_URL="postgres://postgres@127.0.0.1:$port/$db"
    "$bin" migrate >/dev/null
    "$bin" create-job --from-file "$dir/jobs.jsonl" >/dev/null 2>&1
    psql_ -d "$db" -c "CHECKPOINT"
    lsn0=$(psql_ -d "$db" -c "SELECT pg_current_wal_insert_lsn()")
    settle "$db"
    cpu0=$(server_cpu) start=$(date +%s.%N)
    "$bin" run-worker --burst --log-level error
    end=$(date +%s.%N)
    settle "$db"
    cpu1=$(server_cpu)
    wal=$(psql_ -d "$db" -c "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '$lsn0')")
    psql_ -d postgres -c "DROP DATABASE $db"
    python3 -c "
import sys
bin, jobs, start, end, wal, cpu, ticks = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
print(f'{bin:<40} {jobs / (end - start):9,.0f} jobs/s   WAL {wal / jobs:6,.0f} B/job   server CPU {cpu * 1e6 / ticks / jobs:5.1f} µs/job')
" "$bin" "$jobs" "$start" "$end" "$wal" "$((cpu1 - cpu0))" "$ticks"
  done
done
