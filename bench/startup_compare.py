#!/usr/bin/env python3
"""Start-to-exit of one `taskq create-job` (and of `taskq --version`) for two binaries, interleaved run by run, so a
noisy machine slows both alike.

usage: startup_compare.py BEFORE_BIN AFTER_BIN [RUNS] [DATABASE_URL]

Each binary gets its own store, migrated by itself (so their schema versions may differ): without a URL a fresh
SQLite file each; with a `postgres://` or `redis://` URL (not a key=value string) a schema (`?schema=`) or key prefix (`?prefix=`) of its own on that
server. For PostgreSQL, `cc -O2 bench/pq_oneshot.c -o /tmp/pq_oneshot -lpq` builds the floor: the same statements
from C, timed alongside when /tmp/pq_oneshot exists (on AFTER_BIN's schema). The schemas and prefixes stay on the
server: use a throwaway one."""
import os, statistics, subprocess, sys, tempfile, time

before, after = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 40
url = sys.argv[4] if len(sys.argv) > 4 else None
work = tempfile.mkdtemp(prefix="taskq-startup-")
def store_url(name):
    if not url:
        return f"sqlite:{work}/{name}.sqlite3"
    key = "prefix" if url.startswith("redis") else "schema"
    return url + ("&" if "?" in url else "?") + f"{key}=startup_{name}_{os.getpid()}"


envs = {b: dict(os.environ, TASKQ_DATABASE_URL=store_url(n), NO_COLOR="1") for n, b in (("a", before), ("b", after))}
for binary, env in envs.items():
    subprocess.run([binary, "migrate"], env=env, cwd=work, check=True, capture_output=True)
cases = {"before create-job": (before, ["create-job", "s", "--task", "noop"]),
         "after create-job": (after, ["create-job", "s", "--task", "noop"]),
         "before --version": (before, ["--version"]), "after --version": (after, ["--version"])}
if url and url.startswith("postgres") and os.path.exists("/tmp/pq_oneshot"):
    cases["C client, same statements"] = ("/tmp/pq_oneshot", [])
    envs["/tmp/pq_oneshot"] = dict(os.environ, TASKQ_DATABASE_URL=url, PQ_ONESHOT_SCHEMA=f"startup_b_{os.getpid()}")
walls = {name: [] for name in cases}
for i in range(runs):
    for name in (list(cases) if i % 2 == 0 else list(reversed(cases))):
        binary, args = cases[name]
        start = time.perf_counter()
        subprocess.run([binary] + args, env=envs[binary], cwd=work, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls[name].append((time.perf_counter() - start) * 1000)
for name, w in walls.items():
    w.sort()
    print(f"{name}: median {statistics.median(w):.2f} ms, p25–p75 {w[runs // 4]:.2f}–{w[3 * runs // 4]:.2f} ms")
