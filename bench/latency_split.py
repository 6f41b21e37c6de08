#!/usr/bin/env python3
"""Enqueue to start, split in two: the enqueuer's own write and what follows it.

usage: latency_split.py TASKQ_BINARY DATABASE_URL [JOBS]

Runs an idle default worker, then JOBS (default 150) `create-job` processes one at a time, 5-40 ms apart, and reports
p10/p50/p90 of: `writing job` → `job N created` (the create-job process's write, from its debug records), `created` →
the worker's `job N started` record, and the whole. Log records carry microseconds; both ends are this machine's clock.
"""
import json, os, random, subprocess, sys, time
from datetime import datetime


def log_time_us(line):
    """The microsecond time of a JSON log record."""
    stamp = datetime.fromisoformat(json.loads(line)["time"].replace("Z", "+00:00"))
    return int(stamp.timestamp()) * 1_000_000 + stamp.microsecond


BIN, URL = sys.argv[1], sys.argv[2]
JOBS = int(sys.argv[3]) if len(sys.argv) > 3 else 150
env = dict(os.environ, TASKQ_DATABASE_URL=URL)
subprocess.run([BIN, "migrate"], env=env, capture_output=True, check=True)
log_path = f"/tmp/taskq-latency-split-{os.getpid()}.log"
with open(log_path, "w") as log:
    worker = subprocess.Popen([BIN, "run-worker", "--log-level", "debug", "--log-format", "json"], env=env,
                              stdout=subprocess.DEVNULL, stderr=log)
enqueued = {}
try:
    time.sleep(1)
    for i in range(JOBS):
        out = subprocess.run([BIN, "create-job", f"split-{i}", "--task", "noop", "--log-level", "debug", "--log-format", "json"],
                             env=env, capture_output=True, text=True, check=True)
        records = [line for line in out.stderr.splitlines() if line.startswith("{")]
        writing = log_time_us(next(r for r in records if '"writing job' in r))
        created = log_time_us(next(r for r in records if "created in queue" in r))
        enqueued[int(out.stdout.strip())] = (writing, created)
        time.sleep(random.uniform(0.005, 0.040))
    time.sleep(0.5)
finally:
    worker.terminate()
    worker.wait()
started = {}
with open(log_path) as log:
    for line in log:
        message = json.loads(line).get("message", "")
        if message.startswith("job ") and " started: " in message:
            started[int(message.split()[1])] = log_time_us(line)
os.remove(log_path)
ids = [j for j in enqueued if j in started]
assert len(ids) == JOBS, f"{len(ids)} of {JOBS} jobs started"
for name, values in (("writing → created", [enqueued[j][1] - enqueued[j][0] for j in ids]),
                     ("created → started", [started[j] - enqueued[j][1] for j in ids]),
                     ("writing → started", [started[j] - enqueued[j][0] for j in ids])):
    v = sorted(x / 1000 for x in values)
    print(f"{name:18} p10 {v[len(v) // 10]:.3f}  p50 {v[len(v) // 2]:.3f}  p90 {v[int(len(v) * 0.9)]:.3f} ms")
