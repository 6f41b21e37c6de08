#!/usr/bin/env python3
"""The raw floor for bulk enqueue: the same rows into taskq's own schema by a bare client, with taskq's durability.

usage: bulk_floor.py TASKQ_BINARY DATABASE_URL [JOBS] [BATCH]

JOBS no-op jobs (default 20,000, as bench.py's bulk_enqueue writes them) in transactions of BATCH (default 5,000, as
`create-job --from-file`), into a schema `TASKQ_BINARY migrate` made. Nothing is parsed or checked: a ceiling, not a
competitor. Prints one line per method, jobs/s, timed from the connection's opening to its close.
  SQLite: Python's sqlite3 module, WAL with synchronous=NORMAL; the count triggers dropped first (taskq's own
          connection runs with them off); the close checkpoints as taskq's does. Once with one INSERT per row
          (executemany), once with 128-row multi-row INSERTs.
  PostgreSQL: psql `\\copy` (COPY FROM STDIN), stock server settings (fsync, synchronous_commit on), the count
          triggers on; the time includes psql's own start-up (~10-30 ms).
"""
import os, shutil, subprocess, sqlite3, sys, tempfile, time

BIN, URL = os.path.abspath(sys.argv[1]), sys.argv[2]
N = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
BATCH = int(sys.argv[4]) if len(sys.argv) > 4 else 5000
COLS = "name, task, args, queue, priority, state, max_retries, backoff, retry_delay_ms, timeout_ms, run_at, unique_key, created_at"
NOW = int(time.time() * 1000)
ROWS = [(f"job-{i}", "noop", "{}", "default", i % 11, "pending", 3, "exponential", 10000, None, NOW, None, NOW) for i in range(N)]


def migrate(url):
    subprocess.run([BIN, "migrate", "--database-url", url], check=True, capture_output=True)


def sqlite_floor(per_statement):
    work = tempfile.mkdtemp(prefix="taskq-bulk-floor-")
    path = os.path.join(work, "floor.sqlite3")
    migrate(f"sqlite:{path}")
    setup = sqlite3.connect(path)
    for event in ("insert", "delete", "update"):
        setup.execute(f"DROP TRIGGER taskq_job_counts_{event}")
    setup.commit()
    setup.close()
    start = time.perf_counter()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    row = "(" + ",".join("?" * 13) + ")"
    for b in range(0, N, BATCH):
        db.execute("BEGIN IMMEDIATE")
        batch = ROWS[b:b + BATCH]
        if per_statement == 1:
            db.executemany(f"INSERT INTO taskq_jobs ({COLS}) VALUES {row}", batch)
        else:
            for s in range(0, len(batch), per_statement):
                chunk = batch[s:s + per_statement]
                db.execute(f"INSERT INTO taskq_jobs ({COLS}) VALUES " + ",".join([row] * len(chunk)),
                           [v for r in chunk for v in r])
        db.execute("COMMIT")
    db.close()
    rate = N / (time.perf_counter() - start)
    shutil.rmtree(work, ignore_errors=True)
    return rate


def postgres_floor():
    from urllib.parse import urlparse, parse_qs
    schema = f"bulkfloor_{time.time_ns()}"
    url = URL + ("&" if "?" in URL else "?") + f"schema={schema}"
    migrate(url)
    u = urlparse(URL)
    work = tempfile.mkdtemp(prefix="taskq-bulk-floor-")
    script = [f"SET search_path TO {schema};"]
    for b in range(0, N, BATCH):
        data = os.path.join(work, f"batch{b}.tsv")
        with open(data, "w") as f:
            for r in ROWS[b:b + BATCH]:
                f.write("\t".join("\\N" if v is None else str(v) for v in r) + "\n")
        script.append(f"\\copy taskq_jobs ({COLS}) FROM '{data}'")
    sql = os.path.join(work, "floor.sql")
    with open(sql, "w") as f:
        f.write("\n".join(script) + "\n")
    env = dict(os.environ, PGPASSWORD=u.password or "")
    args = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", u.hostname or "127.0.0.1", "-p", str(u.port or 5432),
            "-U", u.username or "postgres", "-d", (u.path or "/postgres").lstrip("/") or "postgres", "-f", sql]
    start = time.perf_counter()
    subprocess.run(args, check=True, env=env, capture_output=True)
    rate = N / (time.perf_counter() - start)
    shutil.rmtree(work, ignore_errors=True)
    return rate


if URL.startswith("sqlite"):
    print(f"floor: bulk enqueue {N} rows, Python sqlite3, one INSERT per row   {sqlite_floor(1):>10,.0f} jobs/s")
    print(f"floor: bulk enqueue {N} rows, Python sqlite3, 128-row INSERTs      {sqlite_floor(128):>10,.0f} jobs/s")
elif URL.startswith("postgres"):
    print(f"floor: bulk enqueue {N} rows, psql \\copy (COPY FROM STDIN)          {postgres_floor():>10,.0f} jobs/s")
