#!/usr/bin/env python3
"""The raw floor: what the store itself does for a drain, with the simplest possible client and taskq's durability.

usage: floor.py DATABASE_URL [JOBS] [BATCH]

N jobs are enqueued (not timed), then drained on one connection the way a worker does it at its simplest: claim a
batch (highest priority first, skipping locked rows on PostgreSQL), mark it running with a lease and open an attempt
row per job in one transaction, then mark the batch completed with a result and close the attempts in a second one.
No wake-ups, no scheduling, no output: a ceiling, not a competitor. Durability as taskq's: SQLite WAL with
synchronous=NORMAL, PostgreSQL with fsync and synchronous_commit on (stock settings), Redis with AOF (as the server
was started). Prints the drain rate in jobs/s.
  SQLite: Python's sqlite3 module.  PostgreSQL: pgbench running the two statements.  Redis: two Lua scripts over
  a bare RESP socket.
"""
import socket, sqlite3, subprocess, sys, time
from floor_common import pg_env, pgbench_seconds, run_floor
from urllib.parse import urlparse

URL = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
BATCH = int(sys.argv[3]) if len(sys.argv) > 3 else 100


def sqlite_floor(path):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("""CREATE TABLE jobs (id INTEGER PRIMARY KEY, queue TEXT NOT NULL, state TEXT NOT NULL,
                  priority INTEGER NOT NULL, run_at INTEGER NOT NULL, attempt INTEGER NOT NULL DEFAULT 0, worker TEXT,
                  lease_until INTEGER, result TEXT, finished_at INTEGER)""")
    db.execute("""CREATE TABLE attempts (job_id INTEGER NOT NULL, attempt INTEGER NOT NULL, started_at INTEGER NOT NULL,
                  finished_at INTEGER, outcome TEXT NOT NULL, PRIMARY KEY (job_id, attempt)) WITHOUT ROWID""")
    db.execute("CREATE INDEX jobs_claim ON jobs (queue, priority DESC, run_at, id) WHERE state = 'pending'")
    db.execute("BEGIN")
    db.executemany("INSERT INTO jobs (queue, state, priority, run_at) VALUES ('default', 'pending', 5, ?)",
                   ((i,) for i in range(N)))
    db.execute("COMMIT")
    done = 0
    start = time.perf_counter()
    while True:
        db.execute("BEGIN IMMEDIATE")
        ids = [r[0] for r in db.execute("""SELECT id FROM jobs WHERE queue = 'default' AND state = 'pending'
                                            ORDER BY priority DESC, run_at, id LIMIT ?""", (BATCH,))]
        if not ids:
            db.execute("COMMIT")
            break
        marks = ",".join("?" * len(ids))
        db.execute(f"UPDATE jobs SET state = 'running', worker = 'w', attempt = attempt + 1, lease_until = 2 WHERE id IN ({marks})", ids)
        db.executemany("INSERT INTO attempts (job_id, attempt, started_at, outcome) VALUES (?, 1, 1, 'running')", ((i,) for i in ids))
        db.execute("COMMIT")
        db.execute("BEGIN IMMEDIATE")
        db.execute(f"""UPDATE jobs SET state = 'completed', result = 'null', finished_at = 1, lease_until = NULL
                       WHERE id IN ({marks}) AND worker = 'w' AND state = 'running'""", ids)
        db.execute(f"UPDATE attempts SET outcome = 'completed', finished_at = 1 WHERE job_id IN ({marks}) AND attempt = 1", ids)
        db.execute("COMMIT")
        done += len(ids)
    return done / (time.perf_counter() - start)


def postgres_floor(url):
    env = pg_env(url)
    setup = f"""
        DROP TABLE IF EXISTS floor_jobs;
        DROP TABLE IF EXISTS floor_attempts;
        CREATE TABLE floor_jobs (id bigserial PRIMARY KEY, queue text NOT NULL, state text NOT NULL,
            priority int NOT NULL, run_at bigint NOT NULL, attempt int NOT NULL DEFAULT 0, worker text,
            lease_until bigint, result jsonb, finished_at bigint);
        CREATE TABLE floor_attempts (job_id bigint NOT NULL, attempt int NOT NULL, started_at bigint NOT NULL,
            finished_at bigint, outcome text NOT NULL, PRIMARY KEY (job_id, attempt));
        CREATE INDEX floor_jobs_claim ON floor_jobs (queue, priority DESC, run_at, id) WHERE state = 'pending';
        CREATE INDEX floor_jobs_running ON floor_jobs (worker) WHERE state = 'running';
        INSERT INTO floor_jobs (queue, state, priority, run_at) SELECT 'default', 'pending', 5, g FROM generate_series(1, {N}) g;
    """
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-c", setup], env=env, check=True, capture_output=True)
    subprocess.run(["psql", "-q", "-c", "VACUUM ANALYZE floor_jobs"], env=env, check=True, capture_output=True)
    script = f"""
        WITH picked AS (SELECT id FROM floor_jobs WHERE queue = 'default' AND state = 'pending'
            ORDER BY priority DESC, run_at, id LIMIT {BATCH} FOR UPDATE SKIP LOCKED)
        , claimed AS (UPDATE floor_jobs j SET state = 'running', worker = 'w', attempt = j.attempt + 1, lease_until = 2
            FROM picked WHERE j.id = picked.id RETURNING j.id, j.attempt)
        INSERT INTO floor_attempts (job_id, attempt, started_at, outcome) SELECT id, attempt, 1, 'running' FROM claimed;
        WITH done AS (UPDATE floor_jobs SET state = 'completed', result = 'null', finished_at = 1, lease_until = NULL
            WHERE state = 'running' AND worker = 'w' RETURNING id, attempt)
        UPDATE floor_attempts a SET outcome = 'completed', finished_at = 1 FROM done
            WHERE a.job_id = done.id AND a.attempt = done.attempt;
    """
    transactions = N // BATCH
    elapsed = pgbench_seconds(script, transactions, env)
    left = subprocess.run(["psql", "-Atq", "-c", "SELECT count(*) FROM floor_jobs WHERE state <> 'completed'"], env=env,
                          check=True, capture_output=True, text=True).stdout.strip()
    subprocess.run(["psql", "-q", "-c", "DROP TABLE floor_jobs; DROP TABLE floor_attempts"], env=env, check=True, capture_output=True)
    assert left == "0", f"{left} jobs not drained"
    return transactions * BATCH / elapsed


class RESP:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port))
        self.buf = b""

    def call(self, *args):
        out = b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in (x if isinstance(x, bytes) else str(x).encode() for x in args))
        self.sock.sendall(out)
        return self.read()

    def line(self):
        while b"\r\n" not in self.buf:
            self.buf += self.sock.recv(65536)
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read(self):
        line = self.line()
        kind, rest = line[:1], line[1:]
        if kind in (b"+", b":"):
            return int(rest) if kind == b":" else rest
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self.buf += self.sock.recv(65536)
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data
        if kind == b"*":
            return [self.read() for _ in range(int(rest))]
        raise RuntimeError(line)


CLAIM = """
local ids = redis.call('ZPOPMIN', KEYS[1], ARGV[1])
local out = {}
for i = 1, #ids, 2 do
  redis.call('HSET', 'floor:job:' .. ids[i], 'state', 'running', 'worker', 'w')
  redis.call('SADD', KEYS[2], ids[i])
  out[#out + 1] = ids[i]
end
return out
"""
COMPLETE = """
for i = 1, #ARGV do
  if redis.call('SREM', KEYS[1], ARGV[i]) == 1 then
    redis.call('HSET', 'floor:job:' .. ARGV[i], 'state', 'completed', 'finished_at', '1')
  end
end
return #ARGV
"""


def redis_floor(url):
    u = urlparse(url)
    r = RESP(u.hostname or "127.0.0.1", u.port or 6379)
    db = (u.path or "/0").lstrip("/") or "0"
    r.call("SELECT", db)
    for i in range(0, N, 1000):
        args = []
        for j in range(i, min(N, i + 1000)):
            args += [str(j), str(j)]
        r.call("ZADD", "floor:ready", *args)
        for j in range(i, min(N, i + 1000)):
            r.call("HSET", f"floor:job:{j}", "state", "pending")
    claim, complete = r.call("SCRIPT", "LOAD", CLAIM), r.call("SCRIPT", "LOAD", COMPLETE)
    done = 0
    start = time.perf_counter()
    while True:
        ids = r.call("EVALSHA", claim, 2, "floor:ready", "floor:running", BATCH)
        if not ids:
            break
        r.call("EVALSHA", complete, 1, "floor:running", *ids)
        done += len(ids)
    elapsed = time.perf_counter() - start
    keys = [f"floor:job:{j}" for j in range(N)]
    for i in range(0, N, 1000):
        r.call("DEL", *keys[i:i + 1000])
    r.call("DEL", "floor:ready", "floor:running")
    return done / elapsed


if __name__ == "__main__":
    run_floor("floor.py", URL, sqlite=sqlite_floor, postgres=postgres_floor, redis=redis_floor)
