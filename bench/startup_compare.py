#!/usr/bin/env python3
"""Start-to-exit of one `taskq create-job` for two binaries, interleaved run by run (each on its own fresh SQLite store,
as schema versions may differ), so a noisy machine slows both alike. usage: startup_compare.py BEFORE_BIN AFTER_BIN [RUNS]"""
import os, statistics, subprocess, sys, tempfile, time

before, after = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 40
work = tempfile.mkdtemp(prefix="taskq-startup-")
envs = {b: dict(os.environ, TASKQ_DATABASE_URL=f"sqlite:{work}/{n}.sqlite3", NO_COLOR="1") for n, b in (("a", before), ("b", after))}
for binary, env in envs.items():
    subprocess.run([binary, "migrate"], env=env, cwd=work, check=True, capture_output=True)
walls = {before: [], after: []}
for i in range(runs):
    for binary in ((before, after) if i % 2 == 0 else (after, before)):
        start = time.perf_counter()
        subprocess.run([binary, "create-job", f"s{i}", "--task", "noop"], env=envs[binary], cwd=work, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls[binary].append((time.perf_counter() - start) * 1000)
for name, binary in (("before", before), ("after", after)):
    print(f"{name}: median {statistics.median(walls[binary]):.2f} ms, p90 {sorted(walls[binary])[int(runs * 0.9)]:.2f} ms,"
          f" size {os.path.getsize(binary) / 1e6:.1f} MB ({binary})")
