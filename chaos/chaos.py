#!/usr/bin/env python3
"""taskq chaos suites: kill -9 of workers mid-drain, server restarts and outages, a worker stopped past its lease,
a full disk under SQLite, beats killed mid-schedule, cancels racing completion and kills of workers whose jobs
may not be retried, on every backend.

    chaos/chaos.py TASKQ_BINARY [--quick] [--backends sqlite,postgres,redis] [--scenarios a,b,c,d,e,f,g,h] [--seed N]

Every backend gets throwaway servers (PostgreSQL, Redis) on free loopback ports in temp dirs; every scenario its own
database. Prints a summary table and exits 1 on any violation (lost, stuck, unexplained duplicate, missed or double
fire, contradictory record, a worker that died by itself), 0 otherwise. RELIABILITY.md has the figures.
"""
import argparse, json, os, random, shutil, signal, socket, sqlite3, subprocess, sys, tempfile, threading, time
from collections import Counter
from datetime import datetime

FINISHED = {"completed", "failed", "cancelled"}
ARGS = None
BIN = None
ROWS = []  # (backend, scenario, figures dict, violations list, note)


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def sh(cmd, check=True, **kw):
    return subprocess.run(cmd, shell=isinstance(cmd, str), check=check, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, **kw)


# ---------------------------------------------------------------------------------------------------------- backends

class SQLiteBackend:
    name = "sqlite"

    def __init__(self, root):
        self.root = root
        self.count = 0

    def new_database(self, label):
        self.count += 1
        return f"sqlite:{self.root}/{label}-{self.count}.sqlite3"

    def stop(self):
        pass


class PostgresBackend:
    name = "postgres"

    def __init__(self, root):
        versions = sorted((int(v) for v in os.listdir("/usr/lib/postgresql") if v.isdigit()), reverse=True)
        self.bin = next(f"/usr/lib/postgresql/{v}/bin" for v in versions
                        if os.path.exists(f"/usr/lib/postgresql/{v}/bin/initdb"))
        self.dir = tempfile.mkdtemp(prefix="taskq-chaos-pg-", dir=root)
        os.chmod(root, 0o755)
        if os.getuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.port = free_port()
        self.count = 0
        self.as_pg(f"{self.bin}/initdb -D {self.dir}/data -A trust -U postgres -E UTF8 --no-sync > {self.dir}/initdb.log 2>&1")
        self.start()

    def as_pg(self, cmd):
        if os.getuid() == 0:
            return sh(["runuser", "-u", "postgres", "--", "sh", "-c", cmd])
        return sh(cmd)

    def start(self):
        # fsync=off only risks data at an OS crash, which no scenario causes; synchronous_commit stays on: with it
        # off an immediate stop forgets the last commits and their jobs run again (PostgreSQL's own trade-off).
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off "
                   f"-c max_connections=300")
        self.as_pg(f"{self.bin}/pg_ctl -D {self.dir}/data -l {self.dir}/server.log -w -t 60 -o '{options}' start "
                   f"> /dev/null 2>&1 < /dev/null")

    def stop_server(self, mode="fast"):
        self.as_pg(f"{self.bin}/pg_ctl -D {self.dir}/data -m {mode} -w -t 60 stop > /dev/null 2>&1")

    def new_database(self, label):
        self.count += 1
        name = f"{label}_{self.count}".replace("-", "_")
        self.as_pg(f"{self.bin}/createdb -h 127.0.0.1 -p {self.port} -U postgres {name}")
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self):
        try:
            self.stop_server("immediate")
        except subprocess.CalledProcessError:
            pass


class RedisBackend:
    name = "redis"

    def __init__(self, root):
        self.dir = tempfile.mkdtemp(prefix="taskq-chaos-redis-", dir=root)
        self.port = free_port()
        self.count = 0
        self.start()

    def start(self):
        sh(f"redis-server --port {self.port} --bind 127.0.0.1 --dir {self.dir} --appendonly yes "
           f"--appendfsync everysec --save '' --daemonize yes --pidfile {self.dir}/redis.pid "
           f"--logfile {self.dir}/redis.log")
        for _ in range(400):
            if sh(f"redis-cli -p {self.port} ping", check=False).stdout.strip() == "PONG":
                return
            time.sleep(0.025)
        raise RuntimeError("redis-server did not start")

    def stop_server(self, mode="fast"):
        sh(f"redis-cli -p {self.port} shutdown", check=False)
        for _ in range(400):
            if sh(f"redis-cli -p {self.port} ping", check=False).returncode != 0:
                return
            time.sleep(0.025)

    def new_database(self, label):
        self.count += 1
        assert self.count < 16, "Redis has 16 databases"
        return f"redis://127.0.0.1:{self.port}/{self.count}"

    def stop(self):
        self.stop_server()


# ------------------------------------------------------------------------------------------------------ taskq access

class Taskq:
    """One database and the taskq processes using it."""

    def __init__(self, backend, label, url=None):
        self.backend = backend
        self.url = url or backend.new_database(label)
        self.lock = threading.RLock()
        self.dir = tempfile.mkdtemp(prefix=f"{label}-", dir=RUN_DIR)
        self.env = dict(os.environ, TASKQ_DATABASE_URL=self.url, NO_COLOR="1")
        self.env.pop("TASKQ_CONFIG", None)
        self.procs = {}  # worker id -> Popen
        self.generation = 0
        self.killed = set()  # ids of workers killed by SIGKILL
        self.unstarted = {}  # worker id -> jobs it held with no recorded start when it was killed (if asked)
        self.exited = []  # (worker id, status) of workers that ended by themselves
        self.run("migrate")

    def run(self, *args, stdin=None, check=True, timeout=300):
        result = subprocess.run([BIN, *args], input=stdin, env=self.env, cwd=self.dir, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise RuntimeError(f"taskq {' '.join(args)[:200]} exited {result.returncode}: {result.stderr.strip()[:500]}")
        return result

    def json(self, *args, **kw):
        return json.loads(self.run(*args, "--json", **kw).stdout)

    def enqueue(self, lines):
        out = self.run("create-job", "--from-file", "-", stdin="".join(json.dumps(l) + "\n" for l in lines))
        return [int(x) for x in out.stdout.split()]

    def start_worker(self, prefix="w", *extra, lease="2s", concurrency=8):
        with self.lock:
            self.generation += 1
            wid = f"{prefix}{self.generation}"
            err = open(f"{self.dir}/{wid}.log", "w")
            self.procs[wid] = subprocess.Popen(
                [BIN, "run-worker", "--worker-id", wid, "--lease", lease, "--poll-interval", "100ms",
                 "--kill-grace", "1s", "-c", str(concurrency), "--log-level", "warning", *extra],
                env=self.env, cwd=self.dir, stdout=subprocess.DEVNULL, stderr=err)
        return wid

    def kill_random_worker(self, rng, note_unstarted=False):
        """With note_unstarted, reads which of the dead worker's jobs the store had no start for: nothing can
        record one any more, and no rescue comes before its lease (2 s) runs out."""
        with self.lock:
            wid = rng.choice(sorted(self.procs))
            proc = self.procs.pop(wid)
            proc.kill()
            proc.wait()
            self.killed.add(wid)
        if note_unstarted:
            running = self.json("list-jobs", "--state", "running", "--limit", "100000")
            self.unstarted[wid] = {j["id"] for j in running if j["worker"] == wid and j["started_at"] is None}
        return wid

    def reap_exited(self):
        """Workers that ended by themselves (a worker should survive every scenario); returns their ids."""
        with self.lock:
            gone = [w for w, p in self.procs.items() if p.poll() is not None]
            for w in gone:
                self.exited.append((w, self.procs.pop(w).returncode))
            return gone

    def stop_workers(self):
        for p in self.procs.values():
            p.send_signal(signal.SIGTERM)
        for w, p in list(self.procs.items()):
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs.clear()

    def stats(self):
        return self.json("stats")["by_state"]

    def jobs(self, limit):
        return self.json("list-jobs", "--limit", str(limit + 10))

    def history(self, job_id):
        return self.json("show-job", str(job_id))

    def wait_drained(self, total, timeout, on_tick=None):
        """Polls until every job is finished; returns the seconds it took, or None on timeout."""
        start = time.time()
        while time.time() - start < timeout:
            try:
                by_state = self.stats()
                if sum(by_state.get(s, 0) for s in FINISHED) >= total:
                    return time.time() - start
            except (RuntimeError, ValueError):
                pass  # server down in an outage scenario
            if on_tick:
                on_tick()
            time.sleep(0.5)
        return None

    def job_processes(self):
        """Processes still running a command of this scenario (their command line names its directory)."""
        found = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmd = f.read()
                with open(f"/proc/{pid}/stat") as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if self.dir.encode() in cmd and b"run-worker" not in cmd and state != "Z":
                found.append(int(pid))
        return found


def record(backend, scenario, figures, violations, note=""):
    ROWS.append((backend, scenario, figures, violations, note))
    status = "ok" if not violations else "VIOLATION: " + "; ".join(violations)
    log(f"{backend} {scenario}: {figures} {status} {note}")


def side_effects(path):
    try:
        with open(path) as f:
            return Counter(int(x) for x in f.read().split())
    except FileNotFoundError:
        return Counter()


def audit_drain(tq, ids, shell_ids, effects_path, require_killed_worker, retries=True):
    """Lost, stuck, failed and duplicate side effects of a drain; a duplicate is explained when enough earlier
    attempts of the job ended `lost` (with require_killed_worker: lost by a worker this driver killed). Without
    retries a job may fail, but only as an attempt lost by a killed worker that the store knew had started; a
    failure of a job whose start was not recorded when its worker died (it never ran) counts as lost."""
    jobs = {j["id"]: j for j in tq.jobs(len(ids))}
    effects = side_effects(effects_path)
    missing = [i for i in ids if i not in jobs]
    stuck = [i for i in ids if i in jobs and jobs[i]["state"] not in FINISHED]
    failed = [i for i in ids if i in jobs and jobs[i]["state"] != "completed" and jobs[i]["state"] in FINISHED]
    failures = {}
    if not retries:
        for i in failed:
            last = tq.history(i)["history"][-1]
            failures[i] = (last["outcome"] == "lost" and last["worker"] in tq.killed
                           and i not in tq.unstarted.get(last["worker"], ()))
        failed = []
    no_effect = [i for i in shell_ids if i in jobs and jobs[i]["state"] == "completed" and effects[i] == 0]
    dups = {i: n for i, n in effects.items() if n > 1}
    unexplained = []
    for i, n in dups.items():
        history = tq.history(i)["history"]
        # A rescue gives back a job whose start its killed worker had not reported yet (`released`, "stopped
        # renewing"): it may have run, so it explains a repeat as a lost attempt does.
        lost = [a for a in history
                if (a["outcome"] == "lost" or (a["outcome"] == "released" and "stopped renewing" in (a.get("error") or "")))
                and (not require_killed_worker or a["worker"] in tq.killed)]
        if len(lost) < n - 1:
            unexplained.append(i)
    rescued = sum(1 for j in jobs.values() if j["attempts"] > 1)
    figures = {"jobs": len(ids), "shell": len(shell_ids), "lost": len(missing) + len(no_effect) + len(failed),
               "stuck": len(stuck), "dups": len(dups), "unexplained": len(unexplained), "rescued": rescued}
    unstarted = [i for i, explained in failures.items() if not explained]
    if not retries:
        figures.update(failed_started=len(failures) - len(unstarted), failed_unstarted=len(unstarted))
    return figures, \
        (missing + no_effect + failed + unstarted)[:5], stuck[:5], unexplained[:5]


def drain_lines(n, shell_share, effects_path, sleep_s, rng, max_retries=100):
    lines, kinds = [], []
    for i in range(n):
        common = {"max_retries": max_retries, "retry_delay": "100ms", "backoff": "fixed"}
        if rng.random() < shell_share:
            lines.append(dict(common, name=f"s{i}", command=["sh", "-c", f'echo "$TASKQ_JOB_ID" >> {effects_path}']))
            kinds.append("shell")
        else:
            lines.append(dict(common, name=f"n{i}", task="sleep", args={"seconds": sleep_s}))
            kinds.append("sleep")
    return lines, kinds


def violations_of(figures, examples):
    v = []
    for key in ("lost", "failed_unstarted", "stuck", "unexplained", "orphans", "worker_exits", "contradictions", "missed", "double",
                "partial_batches", "not_recovered"):
        if figures.get(key):
            v.append(f"{key}={figures[key]}" + (f" e.g. {examples.get(key)}" if examples.get(key) else ""))
    return v


# --------------------------------------------------------------------------------------------------------- scenarios

def scenario_a(backend, rng):
    """kill -9 of a random worker every 1–2 s during a drain; every killed worker is restarted."""
    q = ARGS.quick
    # The sleeps make the drain last long enough for the kills: about 50 s for the full run.
    kill_drain(backend, rng, "a", "a kill -9 drain", (2000, 4, 2) if q else (20000, 20, 3), 0.3, 0.07 if q else 0.08)


def scenario_g(backend, rng):
    """kill -9 during a drain of short jobs: every worker holds a backlog of jobs claimed ahead of its slots (up to
    --prefetch, 1,000) when it dies; the rescue gives those whose start was not recorded back without counting an
    attempt, and counts the others as lost."""
    q = ARGS.quick
    # Kills come every 0.25-0.5 s: short jobs drain in seconds (Redis drained the full run's 90,000 in 7 s), and a
    # drain that outran the kills would not show what it is meant to.
    kill_drain(backend, rng, "g", "g kill -9 with backlogs", (40000, 4, 2) if q else (90000, 10, 3), 0.02, 0.0, every=(0.25, 0.5))


def scenario_h(backend, rng):
    """kill -9 during a drain of short jobs that may not be retried (max_retries 0), the strictest setting: a kill
    may fail only jobs whose start the store had recorded (their attempts `lost`); the backlog the worker held goes
    back to pending, however often its workers die."""
    q = ARGS.quick
    # Kills come every 0.15-0.35 s, often enough that jobs given back land in the backlog of a worker that dies too.
    kill_drain(backend, rng, "h", "h kill -9, no retries", (30000, 6, 2) if q else (90000, 15, 3), 0.02, 0.0,
               every=(0.15, 0.35), max_retries=0)


def kill_drain(backend, rng, label, title, sizes, shell_share, sleep_s, every=(1, 2), max_retries=100):
    q = ARGS.quick
    n, min_kills, workers = sizes
    tq = Taskq(backend, label)
    effects = f"{tq.dir}/effects"
    lines, kinds = drain_lines(n, shell_share, effects, sleep_s, rng, max_retries)
    ids = tq.enqueue(lines)
    shell_ids = [i for i, k in zip(ids, kinds) if k == "shell"]
    for _ in range(workers):
        tq.start_worker()
    kills, done = [0], threading.Event()

    def killer():
        while not done.is_set():
            time.sleep(rng.uniform(*every))
            if done.is_set():
                break
            tq.kill_random_worker(rng, note_unstarted=max_retries == 0)
            kills[0] += 1
            tq.start_worker()

    t = threading.Thread(target=killer)
    t.start()
    took = tq.wait_drained(n, 900 if not q else 240, on_tick=lambda: [tq.start_worker() for _ in tq.reap_exited()])
    kills_in_drain = kills[0]
    # Keep killing until the minimum is reached even when the drain was quick: it must not change the outcome.
    while kills[0] < min_kills and t.is_alive():
        time.sleep(0.2)
    done.set()
    t.join()
    tq.stop_workers()
    time.sleep(0.5)
    figures, lost_ex, stuck_ex, unexp_ex = audit_drain(tq, ids, shell_ids, effects, require_killed_worker=True,
                                                       retries=max_retries > 0)
    figures.update(kills=kills_in_drain, seconds=round(took or -1, 1), orphans=len(tq.job_processes()),
                   worker_exits=len(tq.exited))
    v = violations_of(figures, {"lost": lost_ex, "failed_unstarted": lost_ex, "stuck": stuck_ex, "unexplained": unexp_ex})
    if kills_in_drain < min_kills:
        v.append(f"only {kills_in_drain} kills during the drain (want >= {min_kills})")
    record(backend.name, title, figures, v)


def scenario_b(backend, rng):
    """A server restart, then an outage of >= 10 s, in the middle of a drain."""
    q = ARGS.quick
    n, outage = (1000, 4) if q else (6000, 12)
    tq = Taskq(backend, "b")
    effects = f"{tq.dir}/effects"
    lines, kinds = drain_lines(n, 0.3, effects, 0.02, rng)
    ids = tq.enqueue(lines)
    shell_ids = [i for i, k in zip(ids, kinds) if k == "shell"]
    for _ in range(2):
        tq.start_worker()
    start = time.time()

    def finished():
        try:
            return sum(tq.stats().get(s, 0) for s in FINISHED)
        except (RuntimeError, ValueError):
            return 0

    while finished() < n // 5:
        time.sleep(0.2)
    backend.stop_server("fast")
    backend.start()
    restarted_at = finished()
    while finished() < restarted_at + n // 5:
        time.sleep(0.2)
    backend.stop_server("immediate")
    time.sleep(outage)
    backend.start()
    took = tq.wait_drained(n, 600)
    tq.reap_exited()
    tq.stop_workers()
    figures, lost_ex, stuck_ex, unexp_ex = audit_drain(tq, ids, shell_ids, effects, require_killed_worker=False)
    figures.update(outage_s=outage, seconds=round(time.time() - start, 1), worker_exits=len(tq.exited),
                   orphans=len(tq.job_processes()))
    v = violations_of(figures, {"lost": lost_ex, "stuck": stuck_ex, "unexplained": unexp_ex,
                                "worker_exits": tq.exited[:3]})
    record(backend.name, "b restart + outage", figures, v, "" if took else "drain timed out")


def scenario_c(backend, rng):
    """A worker SIGSTOPped past its lease, then resumed: its stale outcomes are discarded."""
    k = 2 if ARGS.quick else 4
    tq = Taskq(backend, "c")
    ids = tq.enqueue([{"name": f"slow{i}", "task": "sleep", "args": {"seconds": 3}, "retry_delay": "100ms",
                       "backoff": "fixed"} for i in range(k)])
    a = tq.start_worker("stopped", lease="2s", concurrency=k)
    deadline = time.time() + 30
    while time.time() < deadline and any(tq.history(i)["state"] != "running" for i in ids):
        time.sleep(0.1)
    tq.procs[a].send_signal(signal.SIGSTOP)
    b = tq.start_worker("rescuer", lease="2s", concurrency=k)
    deadline = time.time() + 60
    while time.time() < deadline and any(tq.history(i)["state"] != "completed" for i in ids):
        time.sleep(0.2)
    tq.procs[a].send_signal(signal.SIGCONT)
    time.sleep(4)  # the resumed worker finds its sleeps over and tries to record them
    bad = []
    for i in ids:
        job = tq.history(i)
        outcomes = [(h["worker"], h["outcome"]) for h in job["history"]]
        if job["state"] != "completed" or job["worker"] != b or outcomes != [(a, "lost"), (b, "completed")]:
            bad.append((i, job["state"], outcomes))
    alive = tq.procs[a].poll() is None
    tq.reap_exited()
    tq.stop_workers()
    figures = {"jobs": k, "stale_applied": len(bad), "stopped_worker_alive_after": alive,
               "worker_exits": len(tq.exited)}
    v = violations_of(figures, {"worker_exits": tq.exited})
    if bad:
        v.append(f"stale outcome applied or wrong history: {bad[:3]}")
    record(backend.name, "c SIGSTOP past lease", figures, v)


def scenario_d(backend, rng):
    """SQLite on a tiny tmpfs: full during a bulk enqueue (whole batches only) and during a drain (recovers)."""
    if backend.name != "sqlite":
        return
    mnt = tempfile.mkdtemp(prefix="tmpfs-", dir=RUN_DIR)
    size = "6m" if ARGS.quick else "12m"
    mounted = sh(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", mnt], check=False)
    if mounted.returncode != 0:
        record("sqlite", "d full disk", {}, [], f"SKIPPED: cannot mount a tmpfs ({mounted.stderr.strip()[:80]}); needs root")
        return
    try:
        tq = Taskq(backend, "d", url=f"sqlite:{mnt}/full.sqlite3")
        pad = "x" * 400
        total = 20000 if ARGS.quick else 40000
        lines = [{"name": f"bulk{i}", "task": "noop", "args": {"pad": pad, "i": i}} for i in range(total)]
        result = tq.run("create-job", "--from-file", "-", stdin="".join(json.dumps(l) + "\n" for l in lines),
                        check=False)
        printed = len(result.stdout.split())
        stored = tq.json("stats")["total"]
        partial = int(printed != stored or stored % 5000 != 0 or result.returncode == 0)
        err = result.stderr.strip().splitlines()
        bulk_note = f"bulk: exit {result.returncode}, {stored} of {total} stored ({stored // 5000} batches)"
        pressure = {}
        # The bulk left the disk full: a worker cannot start (it exits 69 with one line). Make room, start one, fill
        # the disk again while it drains, then free the space: the running worker must finish the drain by itself.
        refused = tq.run("run-worker", "--burst", check=False)
        sh(["mount", "-o", f"remount,size=64m", mnt])
        worker = tq.start_worker("full", lease="5s", concurrency=8)
        while tq.stats()["completed"] < 100 and tq.procs[worker].poll() is None:
            time.sleep(0.05)
        filler = f"{mnt}/filler"
        sh(f"dd if=/dev/zero of={filler} bs=64k 2>/dev/null", check=False)
        time.sleep(3 if ARGS.quick else 6)
        pressure = tq.stats()
        os.remove(filler)
        took = tq.wait_drained(stored, 300 if not ARGS.quick else 120)
        alive = worker in tq.procs and tq.procs[worker].poll() is None
        tq.reap_exited()
        tq.stop_workers()
        db = sqlite3.connect(f"file:{mnt}/full.sqlite3?mode=ro", uri=True)
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        db.close()
        states = tq.stats()
        figures = {"bulk_exit": result.returncode, "stored": stored, "partial_batches": partial,
                   "drained": states.get("completed", 0), "not_recovered": int(took is None or not alive),
                   "worker_exits": len(tq.exited), "integrity": integrity,
                   "start_on_full_disk_exit": refused.returncode,
                   "done_while_full": pressure.get("completed")}
        v = violations_of(figures, {})
        if integrity != "ok":
            v.append(f"integrity_check: {integrity}")
        if len(err) != 1:
            v.append(f"bulk error not one line: {err[:3]}")
        record("sqlite", "d full disk", figures, v, f"{bulk_note}; error: {err[0][:110] if err else ''}")
    finally:
        sh(["umount", "-l", mnt], check=False)


def scenario_e(backend, rng):
    """Three beats over >= 60 ticks of an @every 1s schedule, one killed and restarted: every tick fires once."""
    ticks = 12 if ARGS.quick else 64
    tq = Taskq(backend, "e")
    tq.run("schedule", "add", "tick", "--cron", "@every 1s", "--task", "noop")
    beats = {}

    def start_beat(i):
        beats[i] = subprocess.Popen([BIN, "beat", "--log-level", "warning"], env=tq.env, cwd=tq.dir,
                                    stdout=subprocess.DEVNULL, stderr=open(f"{tq.dir}/beat{i}.log", "a"))

    started = time.time()
    for i in range(3):
        start_beat(i)
    time.sleep(ticks / 3)
    beats[0].kill()
    beats[0].wait()
    time.sleep(ticks / 6)
    start_beat(0)
    time.sleep(ticks - (time.time() - started))
    exits = [i for i, b in beats.items() if b.poll() is not None]
    for b in beats.values():
        b.send_signal(signal.SIGTERM)
    for b in beats.values():
        b.wait(timeout=30)
    jobs = tq.jobs(ticks * 3)
    fired = Counter(int(datetime.fromisoformat(j["run_at"].replace("Z", "+00:00")).timestamp()) for j in jobs)
    first, last = min(fired), max(fired)
    span = range(first, last + 1)
    missed = [t for t in span if fired[t] == 0]
    double = {t: c for t, c in fired.items() if c > 1}
    figures = {"ticks": len(span), "jobs": len(jobs), "missed": len(missed), "double": len(double),
               "worker_exits": len(exits)}
    record(backend.name, "e beats", figures, violations_of(figures, {"missed": missed[:5], "double": list(double)[:5]}))


def scenario_f(backend, rng):
    """Cancels racing completion: a job's state and its last attempt never contradict each other."""
    n = 120 if ARGS.quick else 500
    tq = Taskq(backend, "f")
    lines = []
    for i in range(n):
        if i % 2:
            lines.append({"name": f"f{i}", "task": "sleep", "args": {"seconds": round(rng.uniform(0.2, 0.6), 3)}})
        else:
            lines.append({"name": f"f{i}", "command": ["sleep", str(round(rng.uniform(0.2, 0.6), 3))]})
    ids = tq.enqueue(lines)
    for _ in range(2):
        tq.start_worker(concurrency=6)
    sent, done, lock = Counter(), threading.Event(), threading.Lock()
    tried, latency = set(), [0.05]  # how long a `taskq cancel` takes to land, measured as it runs

    def due_at(job):
        """When the running job should finish: its start plus its sleep."""
        seconds = job["args"]["seconds"] if job["task"] == "sleep" else float(job["args"]["command"][1])
        return datetime.fromisoformat(job["started_at"].replace("Z", "+00:00")).timestamp() + seconds

    def cancel_at_finish(job, r):
        time.sleep(max(0, due_at(job) + r.uniform(-0.05, 0.01) - latency[0] - time.time()))
        began = time.time()
        result = tq.run("cancel", str(job["id"]), "--json", check=False)
        with lock:
            latency[0] = 0.8 * latency[0] + 0.2 * (time.time() - began)
            if result.returncode == 0:
                sent["while_running" if json.loads(result.stdout)["state"] == "running" else "before"] += 1
            else:
                sent["too_late"] += 1

    def canceller(seed):
        # Aim a cancel at the moment each running job finishes (a few ms either side), where the race is.
        r = random.Random(seed)
        timers = []
        while not done.is_set():
            try:
                running = tq.json("list-jobs", "--state", "running", "--limit", "50")
            except (RuntimeError, ValueError):
                continue
            for job in running:
                # A job still in a worker's backlog has no start yet: aim at it once it has one.
                if job["id"] not in tried and job.get("started_at"):
                    tried.add(job["id"])
                    timers.append(threading.Thread(target=cancel_at_finish, args=(job, random.Random(r.random()))))
                    timers[-1].start()
        for t in timers:
            t.join()

    threads = [threading.Thread(target=canceller, args=(rng.random(),))]
    for t in threads:
        t.start()
    took = tq.wait_drained(n, 300)
    done.set()
    for t in threads:
        t.join()
    tq.reap_exited()
    tq.stop_workers()
    contradictions, states = [], Counter()
    for i in ids:
        job = tq.history(i)
        states[job["state"]] += 1
        outcomes = [h["outcome"] for h in job["history"]]
        last = outcomes[-1] if outcomes else None
        ok = {"completed": last == "completed",
              "cancelled": last in (None, "cancelled", "failed", "timeout", "lost", "released"),
              "failed": last in ("failed", "timeout", "lost")}.get(job["state"], False)
        if not ok or "running" in outcomes:
            contradictions.append((i, job["state"], outcomes))
    figures = {"jobs": n, "cancel_while_running": sent["while_running"], "cancel_too_late": sent["too_late"],
               "cancelled": states["cancelled"], "completed": states["completed"],
               "contradictions": len(contradictions), "stuck": n - sum(states[s] for s in FINISHED),
               "worker_exits": len(tq.exited)}
    record(backend.name, "f cancel vs completion", figures, violations_of(figures, {"contradictions": contradictions[:3]}))


SCENARIOS = {"a": scenario_a, "b": scenario_b, "c": scenario_c, "d": scenario_d, "e": scenario_e, "f": scenario_f,
             "g": scenario_g, "h": scenario_h}


def summary():
    print("\n| backend | scenario | figures | result |")
    print("| --- | --- | --- | --- |")
    for backend, scenario, figures, violations, note in ROWS:
        text = ", ".join(f"{k} {v}" for k, v in figures.items())
        if note:
            text += f" ({note})"
        print(f"| {backend} | {scenario} | {text} | {'ok' if not violations else 'FAIL: ' + '; '.join(violations)} |")
    bad = sum(1 for r in ROWS if r[3])
    print(f"\n{len(ROWS)} scenario runs, {bad} with violations")
    return bad


def main():
    global ARGS, BIN, RUN_DIR
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("--quick", action="store_true", help="the bounded version that runs in make test")
    parser.add_argument("--backends", default="sqlite,postgres,redis")
    parser.add_argument("--scenarios", default="a,b,c,d,e,f,g,h")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", action="store_true", help="keep the run directory (logs, databases)")
    ARGS = parser.parse_args()
    BIN = os.path.abspath(ARGS.binary)
    RUN_DIR = tempfile.mkdtemp(prefix="taskq-chaos-")
    os.chmod(RUN_DIR, 0o755)
    rng = random.Random(ARGS.seed)
    started = time.time()
    log(f"run directory {RUN_DIR}, binary {BIN}, {'quick' if ARGS.quick else 'full'}, seed {ARGS.seed}")
    try:
        for name in ARGS.backends.split(","):
            backend = {"sqlite": SQLiteBackend, "postgres": PostgresBackend, "redis": RedisBackend}[name](RUN_DIR)
            try:
                for s in ARGS.scenarios.split(","):
                    if s == "b" and name == "sqlite":
                        continue
                    try:
                        SCENARIOS[s](backend, rng)
                    except Exception as error:  # a scenario that cannot finish is a violation, not a crash
                        record(name, s, {}, [f"scenario error: {error!r}"[:300]])
            finally:
                backend.stop()
    finally:
        bad = summary()
        log(f"took {time.time() - started:.0f} s")
        if not ARGS.keep and not bad:
            shutil.rmtree(RUN_DIR, ignore_errors=True)
        else:
            log(f"kept {RUN_DIR}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
