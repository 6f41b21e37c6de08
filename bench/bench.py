#!/usr/bin/env python3
"""taskq benchmarks: bulk enqueue, single-worker drain, enqueue-to-start latency, CLI start-up cost, idle RSS, beat.

usage: bench.py TASKQ_BINARY [DATABASE_URL]   (default: a fresh SQLite file in a temp dir)
Prints one line per figure; BENCHMARKS.md records them with the machine and the command.
"""
import json, os, resource, statistics, subprocess, sys, tempfile, time

BIN = os.path.abspath(sys.argv[1])
WORK = tempfile.mkdtemp(prefix="taskq-bench-")
BASE_URL = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:{WORK}/bench.sqlite3"
URL = BASE_URL
BACKEND = BASE_URL.split(":")[0].replace("postgresql", "postgres")
TARGETS = {  # (bulk enqueue jobs/s, drain jobs/s, latency p50 ms, latency p99 ms) from issue 12
    "sqlite": ("150,000", "20,000", "1", "5"),
    "postgres": ("115,000", "20,000", "1", "5"),
    "redis": ("250,000", "20,000", "1", "5"),
}[BACKEND]
N = int(os.environ.get("BENCH_JOBS", "20000"))
ENV = dict(os.environ, NO_COLOR="1", TASKQ_DATABASE_URL=URL)


def taskq(*args, stdin=None, check=True):
    return subprocess.run([BIN, *args], input=stdin, capture_output=True, text=True, env=ENV, cwd=WORK, check=check)


def reset():
    """A fresh store for each figure (SQLite: a new file; servers: purge by re-creating the schema is backend-specific)."""
    global URL
    if BASE_URL.startswith("sqlite:"):
        URL = f"sqlite:{WORK}/bench-{time.time_ns()}.sqlite3"
    elif BASE_URL.startswith("postgres"):
        URL = BASE_URL + ("&" if "?" in BASE_URL else "?") + f"schema=bench_{time.time_ns()}"
    elif BASE_URL.startswith("redis"):
        URL = BASE_URL + ("&" if "?" in BASE_URL else "?") + f"prefix=bench{time.time_ns()}"
    ENV["TASKQ_DATABASE_URL"] = URL
    taskq("migrate")


def report(name, value, unit, target=None):
    tail = f"   (target {target})" if target else ""
    print(f"{name:<48} {value:>12} {unit}{tail}", flush=True)


def bulk_enqueue():
    reset()
    path = os.path.join(WORK, "jobs.jsonl")
    with open(path, "w") as f:
        for i in range(N):
            f.write(json.dumps({"name": f"job-{i}", "task": "noop", "priority": i % 11}) + "\n")
    start = time.perf_counter()
    out = taskq("create-job", "--from-file", path)
    elapsed = time.perf_counter() - start
    assert len(out.stdout.split()) == N, out.stderr
    report(f"bulk enqueue {N} jobs (--from-file, one process)", f"{N / elapsed:,.0f}", "jobs/s", f">= {TARGETS[0]}")


def drain_with(flags, label):
    reset()
    lines = "".join(json.dumps({"name": f"j{i}", "task": "noop"}) + "\n" for i in range(N))
    taskq("create-job", "--from-file", "-", stdin=lines)
    elapsed = timed_drain(N, flags)
    report(f"one worker draining {N} no-op jobs, {label}", f"{N / elapsed:,.0f}", "jobs/s", f">= {TARGETS[1]}")


def drain_defaults():
    """What a user gets: `run-worker --burst` with no tuning flags."""
    drain_with([], "defaults")


def drain():
    drain_with(["--concurrency", "64"], "--concurrency 64")


def enqueue_many(n, prefix="s", later=False):
    """`create-job --from-file` of n no-op jobs, through a file (a million lines do not go through a pipe at once);
    `later`: due in a day, priorities 0-10 (waiting jobs a claim must pass over)."""
    path = os.path.join(WORK, f"jobs-{time.time_ns()}.jsonl")
    with open(path, "w") as f:
        for i in range(n):
            extra = f', "in": "1d", "priority": {i % 11}' if later else ""
            f.write(f'{{"name": "{prefix}{i}", "task": "noop"{extra}}}\n')
    taskq("create-job", "--from-file", path)
    os.remove(path)


def timed_drain(expected_completed, flags=()):
    """Seconds one `run-worker --burst` (with `flags`; none: the defaults) takes to drain the store; then checks that
    `expected_completed` jobs are completed."""
    start = time.perf_counter()
    taskq("run-worker", "--burst", *flags, "--log-level", "error")
    elapsed = time.perf_counter() - start
    stats = json.loads(taskq("stats", "--json").stdout)
    assert stats["by_state"]["completed"] == expected_completed, stats
    return elapsed


def postgres_location():
    """The current store's schema and its URL without the query (for psql)."""
    from urllib.parse import urlsplit, parse_qs
    return parse_qs(urlsplit(URL).query).get("schema", ["taskq"])[0], URL.split("?")[0]


def postgres_table_health():
    """Dead and live rows, vacuum runs and sizes of taskq_jobs and its indexes, from PostgreSQL's own statistics."""
    if BACKEND != "postgres":
        return None
    schema, base = postgres_location()
    time.sleep(0.6)  # statistics reach pg_stat_* within the stats flush interval
    query = (f"SELECT n_live_tup, n_dead_tup, n_tup_upd, n_tup_hot_upd, autovacuum_count, vacuum_count, "
             f"pg_size_pretty(pg_table_size(relid)), pg_size_pretty(pg_indexes_size(relid)) "
             f"FROM pg_stat_user_tables WHERE schemaname = '{schema}' AND relname = 'taskq_jobs'")
    out = subprocess.run(["psql", base, "-XAtc", query], capture_output=True, text=True, check=True).stdout.strip()
    keys = ("live", "dead", "updates", "hot_updates", "autovacuums", "vacuums", "table", "indexes")
    return dict(zip(keys, out.split("|")))


def postgres_wait_for_vacuum(timeout=600):
    """PostgreSQL: waits until no vacuum runs in the database and taskq_jobs has no more dead row versions than 2 % of
    its live ones (migration 0008's threshold), then takes a checkpoint, and returns the seconds waited; None on other
    backends."""
    if BACKEND != "postgres":
        return None
    schema, base = postgres_location()
    query = ("SELECT (SELECT count(*) FROM pg_stat_progress_vacuum WHERE datname = current_database()), "
             f"n_dead_tup, n_live_tup FROM pg_stat_user_tables WHERE schemaname = '{schema}' AND relname = 'taskq_jobs'")
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        time.sleep(1.0)
        running, dead, live = (int(x) for x in subprocess.run(["psql", base, "-XAtc", query], capture_output=True,
                                                               text=True, check=True).stdout.strip().split("|"))
        if running == 0 and dead <= 0.02 * live:
            # The million's WAL (~1.7 GB) forced checkpoints; finish the current one so the drain does not share the
            # disk with it (a store at rest checkpoints too, every checkpoint_timeout, but not amid every drain).
            subprocess.run(["psql", base, "-XAtc", "CHECKPOINT"], capture_output=True, text=True, check=True)
            return time.perf_counter() - start
    # Autovacuum off, or held back (a long transaction): vacuum by hand and say so, rather than lose the run.
    print(f"    autovacuum did not catch up within {timeout} s: VACUUM run by hand", flush=True)
    subprocess.run(["psql", base, "-XAtc", f"VACUUM {schema}.taskq_jobs"], capture_output=True, text=True, check=True)
    return time.perf_counter() - start


def pg_churn():
    """PostgreSQL under churn (BENCH_CHURN_CYCLES, default 15): each cycle enqueues N jobs, drains them with a default
    worker and purges what finished (`purge --older-than 1ms`, as a cron line would): the drain rate, dead rows, table and
    index sizes must level off, with autovacuum's defaults."""
    if BACKEND != "postgres":
        return
    reset()
    schema, base = postgres_location()
    sizes = ("SELECT pg_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
             f"WHERE n.nspname = '{schema}' AND c.relname = ")
    for cycle in range(int(os.environ.get("BENCH_CHURN_CYCLES", "15"))):
        enqueue_many(N, prefix=f"c{cycle}-")
        start = time.perf_counter()
        taskq("run-worker", "--burst", "--log-level", "error")
        rate = N / (time.perf_counter() - start)
        taskq("purge", "--older-than", "1ms")
        health = postgres_table_health()
        query = ", ".join(f"pg_size_pretty(({sizes}'{name}'))"
                          for name in ("taskq_jobs", "taskq_jobs_claim", "taskq_jobs_state", "taskq_jobs_pkey", "taskq_attempts"))
        out = subprocess.run(["psql", base, "-XAtc", f"SELECT {query}"], capture_output=True, text=True, check=True).stdout.strip()
        heap, claim, state, pkey, attempts = out.split("|")
        report(f"churn cycle {cycle + 1:>2}: drain {N:,}", f"{rate:,.0f}", "jobs/s")
        print(f"    dead rows {health['dead']}, autovacuums {health['autovacuums']}, heap {heap}, claim index {claim}, "
              f"state index {state}, pkey {pkey}, attempts {attempts}", flush=True)


def scale():
    """Cost as the work grows: drain n jobs (BENCH_SCALE, default 10k,100k,1M) with a default worker; then, with those n
    finished jobs in the store, drain N fresh ones and time `stats` and `list-jobs` (first page, and by state)."""
    sizes = [int(x) for x in os.environ.get("BENCH_SCALE", "10000,100000,1000000").split(",")]
    reset()
    enqueue_many(N)
    empty = timed_drain(N)
    report(f"scale: drain {N:,} jobs, empty store", f"{N / empty:,.0f}", "jobs/s")
    for n in sizes:
        reset()
        enqueue_many(n)
        elapsed = timed_drain(n)
        report(f"scale: drain {n:,} jobs", f"{n / elapsed:,.0f}", "jobs/s", ">= 20,000")
        health = postgres_table_health()
        if health:
            print(f"    taskq_jobs after the drain: {health}", flush=True)
        enqueue_many(N, prefix="f")
        again = timed_drain(n + N)
        report(f"scale: drain {N:,} jobs with {n:,} finished in the store", f"{N / again:,.0f}", "jobs/s",
               f"within 10% of {N / empty:,.0f}")
        settled = postgres_wait_for_vacuum()
        if settled is not None:
            # The drain above ran while autovacuum caught up with the n jobs just drained (their claims and outcomes
            # left 2n dead row versions); a store that grew to n finished jobs over days has no such debt.
            print(f"    autovacuum caught up {settled:.1f} s later: {postgres_table_health()}", flush=True)
            enqueue_many(N, prefix="r")
            rested = timed_drain(n + 2 * N)
            report(f"scale: the same, {n:,} finished, vacuumed", f"{N / rested:,.0f}", "jobs/s",
                   f"within 10% of {N / empty:,.0f}")
            n += N  # the listings below then see every job
        for label, args in (("stats", ["stats", "--json"]), ("list-jobs", ["list-jobs", "--json"]),
                            ("list-jobs --state completed", ["list-jobs", "--state", "completed", "--json"])):
            times = []
            for _ in range(5):
                start = time.perf_counter()
                taskq(*args)
                times.append((time.perf_counter() - start) * 1000)
            report(f"scale: {label} with {n + N:,} jobs, median", f"{statistics.median(times):.1f}", "ms", "<= 50")
        health = postgres_table_health()
        if health:
            print(f"    taskq_jobs at the end: {health}", flush=True)


def drain_two_processes():
    """Two default workers (`run-worker --burst`, no flags) started together on the same jobs."""
    reset()
    lines = "".join(json.dumps({"name": f"j{i}", "task": "noop"}) + "\n" for i in range(N))
    taskq("create-job", "--from-file", "-", stdin=lines)
    start = time.perf_counter()
    workers = [subprocess.Popen([BIN, "run-worker", "--burst", "--log-level", "error"], env=ENV, cwd=WORK,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for worker in workers:
        _, err = worker.communicate()
        assert worker.returncode == 0, err
    elapsed = time.perf_counter() - start
    stats = json.loads(taskq("stats", "--json").stdout)
    assert stats["by_state"]["completed"] == N, stats
    report(f"two default workers draining {N} no-op jobs", f"{N / elapsed:,.0f}", "jobs/s", ">= one worker")


def log_time_us(line):
    """The microsecond time of a JSON log record (`2026-11-30T07:23:48.123456Z`)."""
    from datetime import datetime, timezone
    stamp = json.loads(line)["time"]
    whole, fraction = stamp.rstrip("Z").split(".")
    seconds = datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
    return int(seconds) * 1_000_000 + int(fraction.ljust(6, "0"))


def latency(samples=int(os.environ.get("BENCH_LATENCY_SAMPLES", "300")), waiting=0):
    """Enqueue to start with an idle default worker, in microseconds: from the `create-job` process's debug record
    written just before it writes the job (so the enqueuer's own commit counts) to the worker's `job N started`
    record (both clocks are this machine's; log times have µs). Jobs come one `create-job` process at a time, 5-40 ms
    apart at random."""
    reset()
    if waiting:
        enqueue_many(waiting, prefix="w", later=True)

    def enqueue(i):
        out = taskq("create-job", f"lat-{i}", "--task", "noop", "--log-level", "debug", "--log-format", "json")
        records = out.stderr.splitlines()
        writing = next(l for l in records if f'"writing job lat-{i}"' in l)
        created = next(l for l in records if " created in queue " in l)
        return int(out.stdout.strip()), log_time_us(writing), log_time_us(created)

    label = f"idle worker, {waiting:,} jobs due later" if waiting else "idle worker"
    measure_latency(samples, enqueue, label)


def latency_serve(samples=int(os.environ.get("BENCH_LATENCY_SAMPLES", "300"))):
    """The same from a long-lived enqueuer: `POST /api/v1/jobs` to a running `taskq serve` over one keep-alive
    connection, from the client's clock just before it sends the request to the worker's `job N started` record."""
    import http.client
    reset()
    server = Server()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}

    def enqueue(i):
        body = json.dumps({"name": f"lat-{i}", "task": "noop"})
        sent = time.time_ns() // 1000
        conn.request("POST", "/api/v1/jobs", body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        assert resp.status == 201, (resp.status, data)
        return json.loads(data)["id"], sent

    try:
        measure_latency(samples, enqueue, "idle worker, POST /api/v1/jobs to taskq serve")
    finally:
        conn.close()
        server.stop()


def measure_latency(samples, enqueue, label):
    """Runs an idle default worker (debug JSON logs), calls `enqueue(i) -> (job id, µs time it began[, µs time its
    write was done])` `samples` times 5-40 ms apart at random, and reports p50/p99/max from that time to the job's
    `job N started` record; with the write's end, also the p50 of each part (the enqueuer's write, then the rest)."""
    import random
    log_path = os.path.join(WORK, f"worker-{time.time_ns()}.log")
    with open(log_path, "w") as log:
        worker = subprocess.Popen([BIN, "run-worker", "--log-level", "debug", "--log-format", "json"], env=ENV, cwd=WORK,
                                  stdout=subprocess.DEVNULL, stderr=log)
    created, written = {}, {}
    try:
        time.sleep(1.0)
        for i in range(samples):
            job_id, began, *done = enqueue(i)
            created[job_id] = began
            if done:
                written[job_id] = done[0]
            time.sleep(random.uniform(0.005, 0.040))
        deadline = time.time() + 30
        while time.time() < deadline:
            stats = json.loads(taskq("stats", "--json").stdout)
            if stats["by_state"].get("completed", 0) >= samples:
                break
            time.sleep(0.1)
    finally:
        worker.terminate()
        worker.wait()
    started = {}
    with open(log_path) as log:
        for line in log:
            record = json.loads(line)
            message = record.get("message", "")
            if message.startswith("job ") and " started: " in message:
                started[int(message.split()[1])] = log_time_us(line)
    lat = sorted((started[j] - created[j]) / 1000 for j in created if j in started)
    assert len(lat) == samples, f"{len(lat)} of {samples} jobs started"
    p50 = lat[len(lat) // 2]
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
    report(f"enqueue-to-start latency p50 ({label})", f"{p50:.3f}", "ms", f"<= {TARGETS[2]}")
    report(f"enqueue-to-start latency p99 ({label})", f"{p99:.3f}", "ms", f"<= {TARGETS[3]}")
    report(f"enqueue-to-start latency max ({label})", f"{lat[-1]:.3f}", "ms")
    if written:
        write = sorted((written[j] - created[j]) / 1000 for j in written)
        rest = sorted((started[j] - written[j]) / 1000 for j in written if j in started)
        report("  of which the enqueuer's write, p50", f"{write[len(write) // 2]:.3f}", "ms")
        report("  of which the rest (wake, claim, start), p50", f"{rest[len(rest) // 2]:.3f}", "ms")


def latency_waiting():
    """The same with BENCH_WAITING (default 1,000,000) jobs waiting in the same queue, due in a day, priorities 0-10."""
    latency(waiting=int(os.environ.get("BENCH_WAITING", "1000000")))


def cli_cost(runs=30):
    reset()
    walls, rss = [], []
    for i in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen([BIN, "create-job", f"one-{i}", "--task", "noop"], env=ENV, cwd=WORK,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        walls.append((time.perf_counter() - start) * 1000)
        rss.append(usage.ru_maxrss / 1024)
        assert status == 0
    report("one `taskq create-job` process, median wall", f"{statistics.median(walls):.1f}", "ms", "<= 20")
    report("one `taskq create-job` process, peak RSS", f"{max(rss):.1f}", "MB", "<= 20")


def idle_worker_rss():
    reset()
    worker = subprocess.Popen([BIN, "run-worker", "--log-level", "error"], env=ENV, cwd=WORK,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(3)
        with open(f"/proc/{worker.pid}/status") as f:
            rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024
        usage_before = open(f"/proc/{worker.pid}/stat").read().split()
        time.sleep(5)
        usage_after = open(f"/proc/{worker.pid}/stat").read().split()
        ticks = (int(usage_after[13]) + int(usage_after[14])) - (int(usage_before[13]) + int(usage_before[14]))
    finally:
        worker.terminate()
        worker.wait()
    report("idle worker RSS", f"{rss:.1f}", "MB", "<= 20")
    report("idle worker CPU", f"{ticks / os.sysconf('SC_CLK_TCK') / 5 * 100:.1f}", "% of a core")


def proc_rss_cpu(pid):
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024
    stat = open(f"/proc/{pid}/stat").read().split()
    return rss, int(stat[13]) + int(stat[14])


def beat(schedules=100):
    """`beat --once` firing many due schedules, and a continuous beat watching many schedules that are not due."""
    reset()
    for i in range(schedules):
        taskq("schedule", "add", f"every-second-{i}", "--cron", "@every 1s", "--task", "noop")
    time.sleep(1.2)
    start = time.perf_counter()
    proc = subprocess.Popen([BIN, "beat", "--once"], env=ENV, cwd=WORK, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    assert status == 0 and out.count(b"fired") == schedules, out
    report(f"`beat --once` firing {schedules} due schedules, wall", f"{wall:.1f}", "ms")
    report(f"`beat --once` firing {schedules} due schedules, peak RSS", f"{usage.ru_maxrss / 1024:.1f}", "MB")
    reset()
    for i in range(schedules):
        taskq("schedule", "add", f"daily-{i}", "--cron", f"{i % 60} {i % 24} * * *", "--tz", "Europe/Berlin", "--task", "noop")
    watcher = subprocess.Popen([BIN, "beat", "--log-level", "error"], env=ENV, cwd=WORK,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(3)
        _, before = proc_rss_cpu(watcher.pid)
        time.sleep(5)
        rss, after = proc_rss_cpu(watcher.pid)
    finally:
        watcher.terminate()
        watcher.wait()
    report(f"continuous beat watching {schedules} schedules (none due): RSS", f"{rss:.1f}", "MB")
    report(f"continuous beat watching {schedules} schedules (none due): CPU", f"{(after - before) / os.sysconf('SC_CLK_TCK') / 5 * 100:.1f}", "% of a core")


def floor_rate(script, *args):
    """Runs a floor script of bench/ with `args` and returns the rate it prints (jobs/s)."""
    here = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run([sys.executable, os.path.join(here, script), *args], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return float(out.stdout.strip())


def floor():
    """The store's raw floor for the drain (bench/floor.py), to read the drain figures against."""
    rate = floor_rate("floor.py", BASE_URL, str(N))
    report(f"raw floor: drain {N} jobs (bare client, batches of 100)", f"{rate:,.0f}", "jobs/s")


def schema_floor():
    """The drain floor on taskq's own schema (bench/schema_floor.py): what the schema's indexes, attempts and counts
    cost beside floor(), and what is left for the worker itself. SQLite and PostgreSQL."""
    if BACKEND == "redis":
        return
    rate = floor_rate("schema_floor.py", BIN, BASE_URL, str(N))
    report(f"schema floor: drain {N} jobs on taskq's own tables (bare client, batches of 100)", f"{rate:,.0f}", "jobs/s")


def bulk_floor():
    """The raw floor for bulk enqueue (bench/bulk_floor.py), to read bulk_enqueue against."""
    if BACKEND == "redis":
        return
    here = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run([sys.executable, os.path.join(here, "bulk_floor.py"), BIN, BASE_URL, str(N)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    print(out.stdout, end="", flush=True)


class Server:
    """A `taskq serve` on a free loopback port with an admin and a token (for the serve_* benchmarks)."""

    def __init__(self):
        env = dict(ENV, TASKQ_SUPERUSER_PASSWORD="bench-password-123")
        subprocess.run([BIN, "createsuperuser", "--noinput", "--username", "bench", "--email", "b@example.com"],
                       env=env, cwd=WORK, check=True, capture_output=True)
        self.token = json.loads(taskq("token", "create", "--user", "bench", "--json").stdout)["token"]
        # Default logging (info: one access-log line per request), to a file as a service manager would keep it.
        self.log_path = os.path.join(WORK, f"serve-{time.time_ns()}.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([BIN, "serve", "--bind", "127.0.0.1:0"], env=ENV, cwd=WORK,
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.time() + 30
        while True:
            text = open(self.log_path).read()
            if "serving on" in text:
                break
            assert self.proc.poll() is None and time.time() < deadline, "taskq serve did not start: " + text
            time.sleep(0.05)
        line = next(l for l in text.splitlines() if "serving on" in l)
        self.port = int(line.split("serving on http://")[1].split()[0].rsplit(":", 1)[1])
        self.base = f"http://127.0.0.1:{self.port}"

    def request(self, method, path, body=None, headers=None):
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        h.update(headers or {})
        conn.request(method, path, body=body, headers=h)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, data

    def rss(self):
        return proc_rss_cpu(self.proc.pid)[0]

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def wrk(server, seconds=10, connections=64):
    env = dict(os.environ, TASKQ_BENCH_TOKEN=server.token)
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wrk-post-job.lua")
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", script, server.base + "/api/v1/jobs"],
                         capture_output=True, text=True, env=env, check=True).stdout
    rps = float(next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec")))
    p = next(line for line in out.splitlines() if line.startswith("p50"))
    bad = int(next(line.split(":")[1] for line in out.splitlines() if line.startswith("non-201")))
    return rps, p, bad


def serve_enqueue():
    """POST /api/v1/jobs, one job per request, 64 keep-alive connections from wrk (a second process)."""
    reset()
    server = Server()
    try:
        rps, percentiles, bad = wrk(server)
        report("serve: POST /api/v1/jobs, one job per request", f"{rps:,.0f}", "req/s",
               ">= 10,000" if BACKEND == "redis" else ">= 5,000")
        report(f"serve: POST /api/v1/jobs latency ({bad} non-201)", percentiles, "", "p99 <= 20 ms")
    finally:
        server.stop()


def serve_bulk(batch=1000, batches=60, clients=4):
    """POST /api/v1/jobs/bulk, `batch` jobs per request, from `clients` keep-alive connections at once."""
    import http.client, threading
    reset()
    server = Server()
    try:
        bodies = [json.dumps([{"name": f"b{b}-{i}", "task": "noop"} for i in range(batch)]) for b in range(batches)]
        failures = []

        def client(mine):
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            for body in mine:
                conn.request("POST", "/api/v1/jobs/bulk", body=body,
                             headers={"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"})
                resp = conn.getresponse()
                resp.read()
                if resp.status != 201:
                    failures.append(resp.status)
            conn.close()

        threads = [threading.Thread(target=client, args=(bodies[c::clients],)) for c in range(clients)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        assert not failures, failures
        report(f"serve: POST /api/v1/jobs/bulk ({batch} jobs per request, {clients} clients)",
               f"{batch * batches / elapsed:,.0f}", "jobs/s", ">= 50,000")
    finally:
        server.stop()


def serve_overview(jobs=int(os.environ.get("BENCH_OVERVIEW_JOBS", "1000000"))):
    """The overview page's server time with `jobs` in the store (the access log's milliseconds), and idle RSS."""
    reset()
    path = os.path.join(WORK, "many.jsonl")
    with open(path, "w") as f:
        for i in range(jobs):
            f.write('{"name":"m%d","task":"noop","queue":"q%d"}\n' % (i, i % 5))
    taskq("create-job", "--from-file", path)
    os.remove(path)
    server = Server()
    try:
        time.sleep(2)
        report("serve: idle RSS", f"{server.rss():.1f}", "MB", "<= 30")
        import http.client, re
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        conn.request("GET", "/login")
        resp = conn.getresponse()
        page = resp.read().decode()
        cookie = resp.getheader("Set-Cookie").split(";")[0]
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        form = f"username=bench&password=bench-password-123&csrf={csrf}&next=/"
        conn.request("POST", "/login", body=form, headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        resp = conn.getresponse()
        resp.read()
        session = resp.getheader("Set-Cookie").split(";")[0]
        times = []
        for _ in range(21):
            start = time.perf_counter()
            conn.request("GET", "/", headers={"Cookie": session})
            resp = conn.getresponse()
            body = resp.read()
            assert resp.status == 200 and f"{jobs:,}".replace(",", "") in body.decode().replace(",", ""), resp.status
            times.append((time.perf_counter() - start) * 1000)
            time.sleep(0.6)  # past the live feed's cache: each page reads the store
        report(f"serve: overview page with {jobs:,} jobs, median", f"{statistics.median(times):.1f}", "ms", "<= 50")
    finally:
        server.stop()


if __name__ == "__main__":
    print(f"taskq benchmarks: {BIN} on {BACKEND}, {os.cpu_count()} cores, N={N}")
    try:
        benches = (floor, schema_floor, bulk_floor, bulk_enqueue, drain_defaults, drain_two_processes, drain, latency, latency_waiting, latency_serve, scale, pg_churn, cli_cost, idle_worker_rss, beat, serve_enqueue, serve_bulk, serve_overview)
        only = os.environ.get("BENCH_ONLY")
        for bench in benches:
            if only and bench.__name__ not in only.split(","):
                continue
            bench()
    finally:
        import shutil
        shutil.rmtree(WORK, ignore_errors=True)
