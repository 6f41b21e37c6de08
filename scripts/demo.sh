#!/usr/bin/env bash
# The main job on the embedded SQLite default (./taskq.sqlite3): migrate, enqueue sample jobs, run a worker until
# they are done, print the resulting table.   usage: demo.sh TASKQ_BINARY
set -euo pipefail
taskq=$1
export NO_COLOR=${NO_COLOR:-}
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "taskq migrate"
"$taskq" migrate

step "enqueue sample jobs"
ids=()
ids+=("$("$taskq" create-job "low-priority cleanup" --task sleep --args '{"seconds": 0.2}' --priority low)")
ids+=("$("$taskq" create-job "send welcome email" --task echo --args '{"to": "ada@example.com"}' --priority high)")
ids+=("$("$taskq" create-job "critical alert" --task echo --args '{"page": "on-call"}' --priority critical)")
ids+=("$("$taskq" create-job "report in 3s" --task echo --args '{"report": "daily"}' --in 3s)")
# Fails on its first attempt and succeeds on the retry (the worker sets TASKQ_ATTEMPT).
ids+=("$("$taskq" create-job "flaky upload" --retry-delay 1s --backoff fixed -- sh -c 'echo "attempt $TASKQ_ATTEMPT"; [ "$TASKQ_ATTEMPT" -ge 2 ] || { echo "upstream timed out" >&2; exit 1; }')")
ids+=("$("$taskq" create-job "disk usage" -- df -h /)")
ids+=("$("$taskq" create-job "always fails" --task fail --args '{"message": "demo failure"}' --max-retries 1 --retry-delay 500ms)")
echo "enqueued jobs ${ids[*]}"
"$taskq" list-jobs --limit ${#ids[@]}

step "a periodic schedule, fired by taskq beat while the worker runs"
"$taskq" schedule remove demo-heartbeat >/dev/null 2>&1 || true
"$taskq" schedule add demo-heartbeat --cron '@every 2s' --queue default -- echo "heartbeat from taskq beat"
"$taskq" beat --log-level warning &
beat=$!

step "taskq run-worker (until every sample job is done)"
"$taskq" run-worker --concurrency 2 --poll-interval 100ms &
worker=$!
trap 'kill $worker $beat 2>/dev/null || true' EXIT
live_count() {
  local n=0 id
  for id in "${ids[@]}"; do
    "$taskq" show-job "$id" --json | grep -Eq '"state": "(scheduled|pending|running|retrying)"' && n=$((n + 1))
  done
  echo $n
}
for _ in $(seq 1 300); do
  [ "$(live_count)" -eq 0 ] && break
  sleep 0.2
done
kill -TERM $beat
wait $beat || true
"$taskq" run-worker --burst --log-level warning   # the last heartbeat jobs
kill -TERM $worker
wait $worker || true
trap - EXIT
"$taskq" schedule pause demo-heartbeat >/dev/null

step "result"
"$taskq" list-jobs --limit $((${#ids[@]} + 6))
echo
"$taskq" schedule list
echo
"$taskq" stats
echo
echo "Try: $taskq show-job ${ids[4]}   (a job with two attempts)"
