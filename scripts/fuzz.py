#!/usr/bin/env python3
"""Generated bad input against the built taskq binary, on every backend (issue 13, RELIABILITY.md#fuzz).

    scripts/fuzz.py TASKQ_BINARY [--backends sqlite,postgres,redis] [--cases N] [--seed S] [--budget SECONDS]

FUZZ_SEED, FUZZ_CASES and FUZZ_BACKENDS set the defaults. Each case is one taskq command with generated arguments,
environment, taskq.toml, --from-file lines or stdin. Every result is classified:

    expected  exit 0, 1, 64, 65, 69 or 75
    defect    a signal (crash), a hang (timeout), another exit code, an error that is not exactly one
              `taskq: error:` line, a raw control character on stderr, a secret on stdout/stderr, or a failed
              command that changed the store (`stats --json` / `schedule list --json` before and after)

The run exits 1 when any defect is found and prints each defect's case (command and input, escaped) so it can be
replayed. PostgreSQL and Redis are throwaway servers on loopback ports, started the way bench/run.sh starts them.
"""
import argparse, json, os, random, shutil, signal, socket, subprocess, sys, tempfile, time

SECRET = "fuzz-S3CRET-pw"
EXPECTED = {0: "ok", 1: "failed", 64: "usage", 65: "bad-data", 69: "unavailable", 75: "temporary"}
TIMEOUT = 20.0


# ---------------------------------------------------------------------------------------------- generated values

class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def choice(self, xs):
        return self.r.choice(xs)

    def chance(self, p):
        return self.r.random() < p

    def text(self, allow_nul=False):
        """A string value for a flag: sensible, hostile, long, control characters, unicode, invalid UTF-8 (bytes)."""
        r = self.r
        kind = r.randrange(14)
        if kind == 0: return ""
        if kind == 1: return " " * r.randrange(1, 4)
        if kind == 2: return "".join(r.choice("abcxyz-_.:019") for _ in range(r.randrange(1, 20)))
        if kind == 3: return "line1\nline2" + r.choice(["", "\r\n", "\n\n"])
        if kind == 4: return "\x1b[2J\x1b]0;pwned\x07" + r.choice(["x", "\x9b31m", "\x85"])
        if kind == 5: return "".join(chr(r.randrange(1, 0x20)) for _ in range(r.randrange(1, 8)))
        if kind == 6: return r.choice(["é", "日本語", "🙂", "\u202e", "\ufeff", "Ⅻ", "٣", "\u0301"]) * r.randrange(1, 5)
        if kind == 7: return "x" * r.choice([199, 200, 201, 1000, 1001, 65, 64, 10000, 100000])
        if kind == 8: return r.choice(["-1", "0", "1", "10", "11", "99999999999999999999", "1e3", "nan", "inf", "-0", "0x10", "+5", "1.5"])
        if kind == 9: return bytes(r.randrange(0x80, 0x100) for _ in range(r.randrange(1, 6)))  # invalid UTF-8
        if kind == 10: return r.choice(["'", '"', "\\", "%s%n", "$(id)", "`id`", "; rm -rf /", "../../etc/passwd", "*", "-", "--"])
        if kind == 11: return r.choice(["default", "mail", "noop", "echo", "low", "high", "critical", "fixed", "linear"])
        if kind == 12 and allow_nul: return "a\x00b"
        return "".join(chr(r.randrange(0x20, 0x7f)) for _ in range(r.randrange(1, 30)))

    def str_text(self):
        t = self.text()
        return t if isinstance(t, str) else "x"

    def duration(self):
        return self.choice(["0", "1", "90s", "5m", "2h", "1d", "250ms", "1h30m", "1.5", "-5m", "5x", "", "1e3", "inf", "nan",
                            "5300w", "99999999999999999999s", "0.0001ms", "1 h", "ms", "٣s", "1d" * 50]) if self.chance(0.7) else self.str_text()

    def time(self):
        return self.choice(["2030-01-01T00:00:00Z", "2000-01-01T00:00:00Z", "2030-01-31 09:00:00", "2030-13-01T00:00:00Z",
                            "2030-02-30T00:00:00Z", "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "2030-01-01T25:00:00Z",
                            "2030-01-01T00:00:00+99:00", "tomorrow", "", "1e10", "-1"]) if self.chance(0.7) else self.str_text()

    def number_text(self):
        r = self.r
        return r.choice(["0", "-0", "1e400", "-1e400", "1e308", "1.7976931348623157e309", "123456789" * r.randrange(1, 60),
                         "0." + "0" * 400 + "1", "1E+2", "-", "01", "1.", ".5", "0x10", "NaN", "Infinity", "1e-400"])

    def json_value(self, depth):
        r = self.r
        if depth <= 0: return self.choice(['1', '"x"', 'null', 'true'])
        k = r.randrange(8)
        if k == 0: return self.number_text()
        if k == 1: return json.dumps(self.str_text())
        if k == 2: return '"' + r.choice(["\\u0000", "\\ud800", "\\udc00x", "\\uZZZZ", "\\x41", "\\", "\\n\\t", "\\u001b[2J"]) + '"'
        if k == 3: return "[" + ",".join(self.json_value(depth - 1) for _ in range(r.randrange(0, 4))) + "]"
        if k == 4: return "{" + ",".join('%s:%s' % (json.dumps(self.choice(["a", "", "a", "\u0000", "command", "seconds"])),
                                                   self.json_value(depth - 1)) for _ in range(r.randrange(0, 4))) + "}"
        if k == 5: return self.choice(["true", "false", "null", "tru", "nul", "True"])
        if k == 6: return json.dumps({"command": [self.choice(["echo", "true", "sh"]), "x"]})
        return json.dumps(r.randrange(-10**6, 10**6))

    def args(self):
        """--args: valid objects, deep nesting, huge numbers, random bytes, truncated JSON, invalid UTF-8."""
        r = self.r
        k = r.randrange(9)
        if k == 0: return "{" + ",".join('"k%d":%s' % (i, self.json_value(3)) for i in range(r.randrange(0, 5))) + "}"
        if k == 1:
            n = r.choice([10, 100, 511, 512, 513, 1000, 100000])
            return '{"a":' + "[" * n + "]" * n + "}"
        if k == 2:
            n = r.choice([100, 600, 5000])
            return '{"a":' + '{"b":' * n + "1" + "}" * n + "}"
        if k == 3: return '{"n":%s}' % self.number_text()
        if k == 4: return bytes(r.randrange(0, 256) for _ in range(r.randrange(1, 64))).replace(b"\x00", b"")
        if k == 5:
            full = '{"a":[1,2,{"b":"c"}],"d":"e"}'
            return full[:r.randrange(0, len(full))]
        if k == 6: return b'{"a":"' + bytes([r.randrange(0x80, 0x100)]) + b'"}'
        if k == 7: return self.json_value(4)
        return json.dumps({"a": self.str_text(), "b": [1, 2]})

    def job_line(self):
        """A --from-file line; most are valid so one corrupted line must refuse the whole file."""
        fields = {"task": self.choice(["noop", "echo", "echo", "sleep"]), "args": {"n": self.r.randrange(1000)}}
        if self.chance(0.3): fields["queue"] = self.choice(["default", "mail", "q:1"])
        if self.chance(0.2): fields["priority"] = self.choice([0, 5, "high", 10])
        if self.chance(0.2): fields["in"] = "1h"
        return json.dumps(fields)

    def corrupt_line(self, line):
        r = self.r
        k = r.randrange(12)
        if k == 0: return line[:r.randrange(len(line))]
        if k == 1: return line.replace('"args": {', '"args": {"t": "a\\u0000b", ')
        if k == 2: return line.encode() + b"\x00"
        if k == 3: return line.encode()[:-2] + bytes([r.randrange(0x80, 0x100)]) + b"}"
        if k == 4: return line.replace('"task"', '"tsak"')
        if k == 5: return line.replace('"task": "', '"task": 5, "x": "')
        if k == 6: return json.dumps({"task": "echo", "priority": self.choice([11, -1, "urgent", 1e400, None, [], {}])})
        if k == 7: return json.dumps({"task": "echo", "name": self.choice(["", " ", "a\nb", "a\u0000", "x" * 201])})
        if k == 8: return json.dumps({"task": "echo", "queue": self.choice(["", "a b", "a,b", "é", "q\u0000", "x" * 65])})
        if k == 9: return json.dumps({"command": self.choice([[], [""], "echo", [1], ["echo", "a\u0000"]])})
        if k == 10: return '{"task":"echo","args":' + "[" * 1000 + "]" * 1000 + "}"
        return json.dumps({"task": "echo", "run_at": self.time(), "timeout": self.duration(), "unique_key": self.choice(["", "k", "k\u0000"])})

    BASE_TOML = """# fuzz
database_url = "postgres://fuzz:%s@127.0.0.1:1/fuzz"

[defaults]
max_retries = 5
backoff = "exponential"
retry_delay = "30s"

[worker]
concurrency = 2
queues = ["default", "mail"]
lease = "30s"
output_cap = "1MiB"

[tasks.report]
description = "Report"
command = ["echo", "{to}"]
queue = "mail"
priority = "high"

[schedules.daily]
cron = "0 7 * * mon-fri"
timezone = "Europe/Berlin"
task = "report"
args = { to = "ops@example.com" }
""" % SECRET

    def toml(self):
        r = self.r
        data = bytearray(self.BASE_TOML.encode())
        for _ in range(r.randrange(1, 4)):
            k = r.randrange(10)
            pos = r.randrange(len(data) + 1)
            if k == 0 and data: del data[r.randrange(len(data))]
            elif k == 1:
                piece = r.choice([b"[", b"]", b"=", b".", b'"', b"'", b"{", b"}", b"\n", b"#", b"\x00", b"\xff", b"[=x]\n", b"[.x]\n", b"[ =x]\n", b"\"\"\"", b"\\"])
                if piece.endswith(b"]\n"):  # a header starts a line (where toml++ used to abort on it)
                    starts = [0] + [i + 1 for i, c in enumerate(data) if c == 0x0A]
                    pos = r.choice(starts)
                data[pos:pos] = piece
            elif k == 2:
                lines = data.split(b"\n"); i = r.randrange(len(lines)); lines.insert(i, lines[i]); data = bytearray(b"\n".join(lines))
            elif k == 3:
                lines = data.split(b"\n"); r.shuffle(lines); data = bytearray(b"\n".join(lines))
            elif k == 4: data = bytearray(self.BASE_TOML.replace('"30s"', r.choice(["nan", "inf", "-inf", "1e999", "-1", "99999999999999999999", "0x7fffffffffffffff", '"forever"', "[]", "{}"]), 1).encode())
            elif k == 5: data += b"\nx = " + b"[" * r.choice([10, 65, 1000, 100000])
            elif k == 6: data += b"\n[tasks.t]\ncommand = " + r.choice([b"3", b"[]", b'["a", 1]', b'"echo"', b'["echo", "\\u0000"]'])
            elif k == 7: data += b"\n[schedules.s]\ntask = \"noop\"\ncron = " + json.dumps(self.cron()).encode() + b"\ntimezone = " + json.dumps(self.zone()).encode()
            elif k == 8 and data: data[r.randrange(len(data))] = r.randrange(256)
            else: data += b"\n[[arr]]\nx = 1979-05-27T07:32:00Z\n"
        return bytes(data)

    def cron(self):
        r = self.r
        if self.chance(0.2): return self.choice(["@daily", "@hourly", "@weekly", "@monthly", "@yearly", "@every 30s", "@every 0s", "@every x",
                                                 "@every 1ms", "@reboot", "@", "@every " + "9" * 30 + "d", "0 0 30 2 *", "0 0 31 4,6,9,11 *"])
        def field():
            k = r.randrange(8)
            if k == 0: return "*"
            if k == 1: return str(r.randrange(-2, 70))
            if k == 2: return "%d-%d" % (r.randrange(0, 70), r.randrange(0, 70))
            if k == 3: return "*/%s" % r.choice(["0", "1", "15", "-1", "x", "99999999999999999999", ""])
            if k == 4: return ",".join(str(r.randrange(0, 60)) for _ in range(r.randrange(1, 5)))
            if k == 5: return r.choice(["mon-fri", "jan", "sun,sat", "MON", "xyz", "L", "?", "W", "#"])
            if k == 6: return self.str_text()
            return "%d-%d/%d" % (r.randrange(0, 60), r.randrange(0, 60), r.randrange(0, 10))
        return " ".join(field() for _ in range(r.choice([5, 5, 5, 4, 6, 0, 1])))

    def zone(self):
        return self.choice(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe", "Etc/GMT+12",
                            "Europe/", "../../etc/passwd", "/etc/localtime", "posixrules", "Europe/Berlin\n", "", "x" * 300,
                            "Mars/Olympus", "EST5EDT", "right/UTC", "zone.tab", "Europe/Berlin/.."]) if self.chance(0.8) else self.text()

    def job_id(self, known):
        if known and self.chance(0.4): return str(self.choice(known))
        return self.choice(["0", "-1", "1", "999999999", "9223372036854775807", "9223372036854775808", "1e3", "0x10", "٣", " 1", "1 ",
                            "", "abc", "1.0", "+1", "99999999999999999999999"])

    def url(self, real):
        return self.choice([
            "postgres://fuzz:%s@127.0.0.1:1/x" % SECRET, "postgresql://fuzz:%s@[::1/x" % SECRET,
            "host=127.0.0.1 port=1 password=%s dbname=x" % SECRET, "host=127.0.0.1 port=1 password = '%s' dbname=x" % SECRET,
            "redis://:%s@127.0.0.1:1/0" % SECRET, "redis://%s@127.0.0.1:99999/0" % SECRET, "redis://u:%s@127.0.0.1:1/x" % SECRET,
            "rediss://u:%s@h/0" % SECRET, "mysql://u:%s@h/x" % SECRET, "postgres://u:%s@127.0.0.1:1/x?schema=Bad-Name" % SECRET,
            "sqlite:", "sqlite:/nonexistent/dir/x.db", "sqlite:/dev/null", "sqlite:" + "x" * 5000, "unix://", "redis://127.0.0.1:0/0",
            real])


# ---------------------------------------------------------------------------------------------- running taskq

class Runner:
    def __init__(self, binary, workdir, url, backend):
        self.binary, self.dir, self.url, self.backend = binary, workdir, url, backend

    def run(self, args, stdin=b"", env_extra=None, use_url=True):
        env = {k: v for k, v in os.environ.items() if not k.startswith("TASKQ_")}
        env["NO_COLOR"] = "1"
        if use_url: env["TASKQ_DATABASE_URL"] = self.url
        env.update(env_extra or {})
        argv = [os.fsencode(self.binary)] + [a if isinstance(a, bytes) else a.encode("utf-8", "surrogateescape") for a in args]
        # NUL cannot be in argv, and one argument is at most 128 KiB (MAX_ARG_STRLEN): NUL goes in files and stdin.
        argv = [a.replace(b"\x00", b"")[:120_000] for a in argv]
        start = time.monotonic()
        try:
            p = subprocess.run(argv, input=stdin, cwd=self.dir, env=env, capture_output=True, timeout=TIMEOUT,
                               start_new_session=True)
            return p.returncode, p.stdout, p.stderr, time.monotonic() - start
        except subprocess.TimeoutExpired as e:
            return None, e.stdout or b"", e.stderr or b"", TIMEOUT

    def snapshot(self):
        code, out, _, _ = self.run(["stats", "--json"])
        sched = self.run(["schedule", "list", "--json"])
        return (code, out, sched[0], sched[1])


def classify(code, out, err, failed_write):
    """The class of one result: an expected exit code's name, or a defect's."""
    if code is None: return "DEFECT timeout"
    if code < 0: return "DEFECT signal %d" % -code
    if code not in EXPECTED: return "DEFECT exit %d" % code
    if SECRET.encode() in out or SECRET.encode() in err: return "DEFECT secret in output"
    if any(b in err for b in (b"\x1b", b"\x07", b"\x9b", b"\x00")): return "DEFECT raw control character on stderr"
    if code != 0:
        lines = err.split(b"\n")
        if lines and lines[-1] == b"": lines.pop()
        errors = [l for l in lines if l.startswith(b"taskq: error: ")]
        others = [l for l in lines if not l.startswith(b"taskq: ")]
        if len(errors) != 1 or others: return "DEFECT not one error line"
        if out.strip() and code != 1: return "DEFECT stdout of a refused command"
    if failed_write: return "DEFECT write by a failed command"
    return EXPECTED[code]


def make_case(g, known_ids, real_url):
    """(label, args, stdin, env, files, writes, use_url): one generated command."""
    r = g.r
    kind = r.choice(["create"] * 5 + ["args"] * 4 + ["file"] * 4 + ["toml"] * 3 + ["cron"] * 3 + ["ids"] * 2 + ["list", "misc", "url"])
    files, env, stdin, use_url = {}, {}, b"", True
    if kind in ("create", "args"):
        args = ["create-job", g.text() if g.chance(0.8) else "job"]
        if kind == "args":
            args += ["--task", "echo", "--args", g.args()]
        else:
            flags = {"--task": lambda: g.choice(["noop", "echo", "fail", "sleep", "shell", "nope"]) if g.chance(0.7) else g.text(),
                     "--args": g.args, "--queue": g.text, "--priority": lambda: g.choice(["0", "10", "11", "-1", "high", "HIGH", "urgent", "5.0"]) if g.chance(0.6) else g.text(),
                     "--max-retries": lambda: g.choice(["0", "1000", "1001", "-1", "x", "99999999999999999999"]), "--retry-delay": g.duration,
                     "--backoff": lambda: g.choice(["fixed", "linear", "exponential", "random", "", "FIXED"]), "--timeout": g.duration,
                     "--schedule-at": g.time, "--in": g.duration, "--unique-key": g.text}
            for flag in r.sample(sorted(flags), r.randrange(0, len(flags))):
                args += [flag, flags[flag]()]
            if g.chance(0.3): args.append("--force")
            if g.chance(0.2):
                args = [a for a in args if a != "--task"]
                args += ["--", g.choice(["echo", "true", ""])] + [g.text() for _ in range(r.randrange(0, 3))]
        return kind, args, stdin, env, files, True, use_url
    if kind == "file":
        lines = [g.job_line().encode() for _ in range(r.randrange(1, 300))]
        for _ in range(r.randrange(1, 3)):
            i = r.randrange(len(lines))
            bad = g.corrupt_line(lines[i].decode("utf-8", "replace"))
            lines[i] = bad if isinstance(bad, bytes) else bad.encode("utf-8", "surrogatepass")
        if g.chance(0.2): lines.insert(r.randrange(len(lines)), b"   ")
        body = b"\n".join(lines) + (b"\n" if g.chance(0.5) else b"")
        if g.chance(0.5):
            files["jobs.jsonl"] = body
            args = ["create-job", "--from-file", "jobs.jsonl"]
        else:
            stdin = body
            args = ["create-job", "--from-file", "-"]
        if g.chance(0.3): args.append("--json")
        return kind, args, stdin, env, files, True, use_url
    if kind == "toml":
        files["taskq.toml"] = g.toml()
        args = g.choice([["list-jobs"], ["stats", "--json"], ["run-worker", "--burst", "-q", "fuzz-idle"], ["beat", "--once"], ["create-job", "x", "--task", "report", "--args", '{"to":"a"}'],
                         ["schedule", "list"], ["list-tasks"], ["queue", "list"]])
        # The flag (or environment) points at the fuzzed store; the file's URL holds the secret.
        return kind, args, stdin, env, files, args[0] == "create-job", use_url
    if kind == "cron":
        name = g.choice(["s%d" % r.randrange(10**6), "", "a b", "x" * 201, "ok-name"]) if g.chance(0.9) else g.text()
        args = ["schedule", "add", name, "--cron", g.cron(), "--task", g.choice(["noop", "echo", "nope"])]
        if g.chance(0.8): args += ["--tz", g.zone()]
        if g.chance(0.2): args += ["--misfire", g.choice(["skip", "fire-once", "x"])]
        if g.chance(0.1): args = ["schedule", g.choice(["pause", "resume", "remove"]), name]
        return kind, args, stdin, env, files, True, use_url
    if kind == "ids":
        cmd = g.choice([["show-job"], ["cancel"], ["retry"], ["logs"], ["show-job", "--json"], ["logs", "--attempt", g.job_id([])]])
        return kind, cmd[:1] + [g.job_id(known_ids)] + cmd[1:], stdin, env, files, cmd[0] in ("cancel", "retry"), use_url
    if kind == "list":
        args = ["list-jobs"]
        for flag, val in [("--state", lambda: g.choice(["failed", "done", "bogus", "pending,running", "", "RETRY", "in-progress"])),
                          ("--limit", lambda: g.choice(["0", "1", "100000", "100001", "-5", "x"])), ("--before-id", lambda: g.job_id(known_ids)),
                          ("--queue", g.text), ("--task", g.text), ("--json", None)]:
            if g.chance(0.4): args += [flag] + ([val()] if val else [])
        return kind, args, stdin, env, files, False, use_url
    if kind == "misc":
        args = g.choice([["purge", "--older-than", g.duration(), "--dry-run"], ["retry", "--state", g.choice(["failed", "pending", "x"]), "--dry-run"],
                         ["rescue", "--dry-run"], ["run-worker", "--burst", "-q", "fuzz-idle", "--lease", g.duration()],
                         ["run-worker", "--burst", "-q", "fuzz-idle", "--concurrency", g.choice(["0", "1", "10001", "x"])],
                         ["run-worker", "--burst", "-q", "fuzz-idle", "--output-cap", g.choice(["1MiB", "0", "2GiB", "x", "1e3"])], ["queue", "pause", g.text()],
                         ["stats", "--interval", g.duration()], ["workers", "--json"], ["migrate", "--list"], ["list-jobs", "--log-level", g.text()]])
        writes = args[0] == "purge" or (args[0] == "queue")
        return kind, args, stdin, env, files, False, use_url
    url = g.url(real_url)
    how = r.randrange(3)
    if how == 0: args = ["list-jobs", "--database-url", url]
    elif how == 1:
        env["TASKQ_DATABASE_URL"] = url; use_url = False; args = g.choice([["stats"], ["migrate", "--list"], ["create-job", "x", "--task", "noop"]])
    else:
        files["taskq.toml"] = ("database_url = %s\n" % json.dumps(url)).encode(); use_url = False
        args = g.choice([["list-jobs"], ["run-worker", "--burst"], ["beat", "--once"]])
    return kind, args, stdin, env, files, False, use_url


def fuzz_backend(binary, backend, url, cases, seed, deadline, defects, tally):
    workdir = tempfile.mkdtemp(prefix="taskq-fuzz-%s-" % backend)
    if backend == "sqlite": url = "sqlite:%s/fuzz.sqlite3" % workdir
    runner = Runner(binary, workdir, url, backend)
    try:
        code, _, err, _ = runner.run(["migrate"])
        if code != 0: sys.exit("fuzz: cannot migrate %s: %s" % (backend, err.decode(errors="replace")))
        seeded = "\n".join(json.dumps({"task": t, "args": {"n": i}}) for i, t in enumerate(["noop", "echo", "fail"] * 7))
        code, out, _, _ = runner.run(["create-job", "--from-file", "-"], stdin=seeded.encode())
        known = [int(x) for x in out.split()] if code == 0 else []
        runner.run(["run-worker", "--burst"])
        g = Gen("%s/%s" % (seed, backend))
        done = 0
        for n in range(cases):
            if time.monotonic() > deadline: break
            label, args, stdin, env, files, writes, use_url = make_case(g, known, url)
            def clear():
                for name in ("taskq.toml", "jobs.jsonl"):
                    if os.path.exists(os.path.join(workdir, name)): os.remove(os.path.join(workdir, name))
            clear()
            before = runner.snapshot() if writes else None
            for name, body in files.items():
                with open(os.path.join(workdir, name), "wb") as f: f.write(body)
            code, out, err, took = runner.run(args, stdin=stdin, env_extra=env, use_url=use_url)
            clear()
            failed_write = writes and code not in (0, None) and runner.snapshot() != before
            cls = classify(code, out, err, failed_write)
            tally.setdefault(backend, {}).setdefault(cls, 0)
            tally[backend][cls] += 1
            tally.setdefault("_kinds", {}).setdefault(label, 0)
            tally["_kinds"][label] += 1
            if cls.startswith("DEFECT"):
                defects.append({"backend": backend, "case": n, "class": cls, "kind": label, "exit": code,
                                "args": [a if isinstance(a, str) else repr(a) for a in args][:12],
                                "files": {k: repr(v[:200]) for k, v in files.items()}, "stdin": repr(stdin[:200]),
                                "stderr": repr(err[:400])})
            done += 1
        return done
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# ---------------------------------------------------------------------------------------------- throwaway servers

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port


def start_postgres():
    bins = sorted(d for d in (os.path.join("/usr/lib/postgresql", v, "bin") for v in os.listdir("/usr/lib/postgresql")) if os.path.isdir(d)) \
        if os.path.isdir("/usr/lib/postgresql") else []
    pgbin = bins[-1] if bins else os.path.dirname(shutil.which("initdb") or "")
    if not pgbin: return None, None
    d = tempfile.mkdtemp(prefix="taskq-fuzz-pg-")
    os.chmod(d, 0o755)
    port = free_port()
    pre = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0: subprocess.run(["chown", "-R", "postgres:postgres", d], check=True)
    subprocess.run(pre + [os.path.join(pgbin, "initdb"), "-D", d + "/data", "-A", "trust", "-U", "postgres"], check=True, capture_output=True)
    subprocess.run(pre + [os.path.join(pgbin, "pg_ctl"), "-D", d + "/data", "-l", d + "/log", "-w", "-o",
                          "-p %d -c listen_addresses=127.0.0.1 -k %s" % (port, d), "start"], check=True, capture_output=True)
    def stop():
        subprocess.run(pre + [os.path.join(pgbin, "pg_ctl"), "-D", d + "/data", "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(d, ignore_errors=True)
    return "postgres://postgres@127.0.0.1:%d/postgres" % port, stop


def start_redis():
    if not shutil.which("redis-server"): return None, None
    d = tempfile.mkdtemp(prefix="taskq-fuzz-redis-")
    port = free_port()
    subprocess.run(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", d, "--save", "", "--daemonize", "yes",
                    "--pidfile", d + "/redis.pid", "--logfile", d + "/redis.log"], check=True)
    for _ in range(200):
        if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode == 0: break
        time.sleep(0.05)
    def stop():
        try:
            with open(d + "/redis.pid") as f: os.kill(int(f.read().strip()), signal.SIGTERM)
        except (OSError, ValueError): pass
        time.sleep(0.2)
        shutil.rmtree(d, ignore_errors=True)
    return "redis://127.0.0.1:%d/0" % port, stop


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--backends", default=os.environ.get("FUZZ_BACKENDS", "sqlite,postgres,redis"))
    ap.add_argument("--cases", type=int, default=int(os.environ.get("FUZZ_CASES", "1000")), help="cases per backend")
    ap.add_argument("--seed", default=os.environ.get("FUZZ_SEED", "13"))
    ap.add_argument("--budget", type=float, default=float(os.environ.get("FUZZ_BUDGET", "0")), help="seconds per backend (0: no limit)")
    opts = ap.parse_args()
    opts.binary = os.path.abspath(opts.binary)
    defects, tally, stops, totals = [], {}, [], {}
    started = time.monotonic()
    try:
        for backend in [b for b in opts.backends.split(",") if b]:
            url, stop = {"sqlite": lambda: ("", None), "postgres": start_postgres, "redis": start_redis}[backend]()
            if stop: stops.append(stop)
            if url is None:
                print("fuzz: %s skipped (no server binary here)" % backend); continue
            deadline = time.monotonic() + opts.budget if opts.budget > 0 else float("inf")
            t0 = time.monotonic()
            totals[backend] = fuzz_backend(opts.binary, backend, url, opts.cases, opts.seed, deadline, defects, tally)
            print("fuzz: %s: %d cases in %.0f s: %s" % (backend, totals[backend], time.monotonic() - t0,
                  ", ".join("%s %d" % kv for kv in sorted(tally.get(backend, {}).items()))))
            sys.stdout.flush()
    finally:
        for stop in stops: stop()
    print("fuzz: seed %s, %d cases in %.0f s; kinds: %s" % (opts.seed, sum(totals.values()), time.monotonic() - started,
          ", ".join("%s %d" % kv for kv in sorted(tally.get("_kinds", {}).items()))))
    for d in defects[:50]: print("fuzz: " + json.dumps(d))
    if defects:
        print("fuzz: %d DEFECT(S)" % len(defects)); sys.exit(1)
    print("fuzz: no defects")


if __name__ == "__main__":
    main()
