#!/usr/bin/env python3
"""The drain floor on taskq's own schema: floor.py's bare client, but on the tables `taskq migrate` makes.

usage: schema_floor.py TASKQ_BINARY DATABASE_URL [JOBS] [BATCH]

floor.py drains a minimal table (one claim index). taskq's schema keeps more per job: five secondary indexes on taskq_jobs
on SQLite (claim, state, lease, finished, live unique keys; PostgreSQL adds a claim across queues), the attempt rows
with a foreign key, and the job counts that `stats` and the dashboard read. This floor makes the same state changes as a taskq
worker on those tables, set-based, with the simplest client: claim a batch (mark running with a lease, open an
attempt per job, count the move), then complete it (result, finished_at, close the attempts, count the move), one
transaction each. The gap between the two floors is what the schema costs; the gap between this floor and taskq's
drain is what the worker itself costs. Durability as taskq's. Prints the drain rate in jobs/s.
  SQLite: Python's sqlite3 module; the count triggers dropped (taskq's connections run without them and write the
          counts themselves, as this does). PostgreSQL: pgbench; the statement-level count triggers fire, as for
          taskq. Redis: not here; `bench/redis_drain_cpu.sh` gives the server's CPU per job, the same ceiling.
"""
import os, sqlite3, subprocess, sys, time
from floor_common import pg_env, pgbench_seconds, run_floor

BIN, URL = os.path.abspath(sys.argv[1]), sys.argv[2]
N = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
BATCH = int(sys.argv[4]) if len(sys.argv) > 4 else 100
WAITING = "(state = 'pending' OR state = 'scheduled' OR state = 'retrying')"


def migrate(url):
    subprocess.run([BIN, "migrate", "--database-url", url], check=True, capture_output=True)


def sqlite_floor(path):
    migrate(f"sqlite:{path}")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    for event in ("insert", "delete", "update"):
        db.execute(f"DROP TRIGGER taskq_job_counts_{event}")
    now = int(time.time() * 1000)
    db.execute("BEGIN IMMEDIATE")
    db.executemany("INSERT INTO taskq_jobs (name, task, queue, priority, state, run_at, created_at) "
                   "VALUES (?, 'noop', 'default', 5, 'pending', ?, ?)", ((f"j{i}", now, now) for i in range(N)))
    db.execute("INSERT INTO taskq_job_counts (queue, state, n) VALUES ('default', 'pending', ?)", (N,))
    db.execute("COMMIT")

    def count(state, n):
        db.execute("INSERT INTO taskq_job_counts (queue, state, n) VALUES ('default', ?, ?) "
                   "ON CONFLICT (queue, state) DO UPDATE SET n = n + excluded.n", (state, n))

    done = 0
    start = time.perf_counter()
    while True:
        db.execute("BEGIN IMMEDIATE")
        ids = [r[0] for r in db.execute(f"""SELECT id FROM taskq_jobs WHERE queue = 'default' AND priority = 5
                                            AND {WAITING} AND run_at <= ? ORDER BY run_at, id LIMIT ?""", (now, BATCH))]
        if not ids:
            db.execute("COMMIT")
            break
        marks = ",".join("?" * len(ids))
        db.execute(f"""UPDATE taskq_jobs SET state = 'running', attempt = attempt + 1, worker = 'w', started_at = 1,
                       lease_until = 2, finished_at = NULL WHERE id IN ({marks})""", ids)
        db.execute(f"""INSERT INTO taskq_attempts (job_id, attempt, started_at, worker, outcome)
                       SELECT id, attempt, 1, 'w', 'running' FROM taskq_jobs WHERE id IN ({marks})""", ids)
        count("pending", -len(ids))
        count("running", len(ids))
        db.execute("COMMIT")
        db.execute("BEGIN IMMEDIATE")
        db.execute(f"""UPDATE taskq_jobs SET state = 'completed', result = 'null', finished_at = 3, lease_until = NULL
                       WHERE id IN ({marks}) AND state = 'running' AND worker = 'w'""", ids)
        db.execute(f"UPDATE taskq_attempts SET outcome = 'completed', finished_at = 3 WHERE job_id IN ({marks}) AND attempt = 1", ids)
        count("running", -len(ids))
        count("completed", len(ids))
        db.execute("COMMIT")
        done += len(ids)
    elapsed = time.perf_counter() - start
    db.close()
    return done / elapsed


def postgres_floor(url):
    schema = f"schemafloor_{time.time_ns()}"
    env = pg_env(url, options=f"-c search_path={schema}")
    base, _, query = url.partition("?")
    params = [p for p in query.split("&") if p and not p.startswith("schema=")] + [f"schema={schema}"]
    migrate(f"{base}?{'&'.join(params)}")
    psql = ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-c"]
    subprocess.run(psql + [f"""INSERT INTO taskq_jobs (name, task, queue, priority, state, run_at, created_at)
                               SELECT 'j' || g, 'noop', 'default', 5, 'pending', 1, 1 FROM generate_series(1, {N}) g"""],
                   env=env, check=True, capture_output=True)
    subprocess.run(psql + ["VACUUM ANALYZE taskq_jobs"], env=env, check=True, capture_output=True)
    script = f"""
        WITH picked AS (SELECT id FROM taskq_jobs WHERE queue = 'default' AND priority = 5
            AND state IN ('pending', 'scheduled', 'retrying') AND run_at <= 2 ORDER BY run_at, id LIMIT {BATCH}
            FOR UPDATE SKIP LOCKED)
        , claimed AS (UPDATE taskq_jobs j SET state = 'running', attempt = j.attempt + 1, worker = 'w', started_at = 2,
            lease_until = 3, finished_at = NULL WHERE j.id = ANY(ARRAY(SELECT id FROM picked)) RETURNING j.id, j.attempt)
        INSERT INTO taskq_attempts (job_id, attempt, started_at, worker, outcome)
            SELECT id, attempt, 2, 'w', 'running' FROM claimed;
        WITH done AS (UPDATE taskq_jobs SET state = 'completed', result = 'null', finished_at = 4, lease_until = NULL
            WHERE state = 'running' AND worker = 'w' RETURNING id, attempt)
        UPDATE taskq_attempts a SET outcome = 'completed', finished_at = 4 FROM done
            WHERE a.job_id = done.id AND a.attempt = done.attempt;
    """
    transactions = -(-N // BATCH)  # the last one claims what is left
    try:
        elapsed = pgbench_seconds(script, transactions, env)
        left = subprocess.run(["psql", "-Atq", "-c", "SELECT count(*) FROM taskq_jobs WHERE state <> 'completed'"],
                              env=env, check=True, capture_output=True, text=True).stdout.strip()
    finally:
        subprocess.run(psql + [f"DROP SCHEMA {schema} CASCADE"], env=env, check=True, capture_output=True)
    assert left == "0", f"{left} jobs not drained"
    return N / elapsed


if __name__ == "__main__":
    # Redis: bench/redis_drain_cpu.sh gives the server's CPU per job, the same ceiling.
    run_floor("schema_floor.py", URL, sqlite=sqlite_floor, postgres=postgres_floor)
