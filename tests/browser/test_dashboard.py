#!/usr/bin/env python3
"""Browser tests of the `taskq serve` dashboard in real headless Chromium (Debian's `chromium`, driven by Playwright).

    python3 tests/browser/test_dashboard.py TASKQ_BINARY [OUTPUT_DIR]     (default .build/browser-screenshots)

Builds nothing. Makes a temp SQLite store with an admin and a viewer, starts `taskq serve --bind 127.0.0.1:0` and a
worker (queue `default` only, so jobs in queue `batch:later` stay waiting), then walks the dashboard as a person would:
wrong password refused, login, overview counts, the live overview (a CLI enqueue changes the counts with no reload
and no polling), enqueue through the form, cancel a running shell job from its live page, retry a failed job, pause
and resume a queue, a form POST without its CSRF token refused, a viewer without change buttons and refused when
posting one, logout (and the old session cookie no longer works). A full-page screenshot of every page visited goes
to OUTPUT_DIR. Any JavaScript error, CSP violation or 5xx response fails the run. Prints 'N passed, N failed' and
exits 1 on any failure. CHROMIUM overrides the browser path (default /usr/bin/chromium).
"""
import atexit, json, os, re, shutil, signal, subprocess, sys, tempfile, threading, time, traceback

from playwright.sync_api import expect, sync_playwright

PASSWORD = "correct horse battery"
VIEWER_PASSWORD = "viewer horse battery"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LATER = "batch:later"  # a queue no worker reads


class Stack:
    """A temp SQLite store, `taskq serve` on a free loopback port and (optionally) one worker."""

    def __init__(self, binary, worker_args=("-q", "default", "-c", "4")):
        self.bin = os.path.abspath(binary)
        self.dir = tempfile.mkdtemp(prefix="taskq-browser-")
        self.env = dict(os.environ, TASKQ_DATABASE_URL=f"sqlite:{self.dir}/taskq.sqlite3")
        self.env.pop("TASKQ_CONFIG", None)
        self.server = self.worker = None
        self.worker_args = list(worker_args)
        atexit.register(self.kill)  # also when the run is interrupted before its own cleanup

    def cli(self, *args, password=None, check=True):
        env = dict(self.env, TASKQ_SUPERUSER_PASSWORD=password) if password else self.env
        r = subprocess.run([self.bin, *args], env=env, cwd=self.dir, capture_output=True, text=True, timeout=30)
        if check and r.returncode != 0:
            raise AssertionError(f"taskq {' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
        return r.stdout

    def create_job(self, *args):
        return int(self.cli("create-job", *args).strip())

    def job(self, job_id):
        return json.loads(self.cli("show-job", "--json", str(job_id)))

    def wait_job(self, job_id, states, timeout=15):
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            if job["state"] in states:
                return job
            if time.monotonic() > deadline:
                raise AssertionError(f"job {job_id} is {job['state']}, not {states}, after {timeout}s")
            time.sleep(0.1)

    def start(self):
        self.cli("migrate")
        self.cli("createsuperuser", "--noinput", "--username", "admin", "--email", "admin@example.com", password=PASSWORD)
        self.cli("user", "add", "viewer", "--role", "viewer", "--noinput", password=VIEWER_PASSWORD)
        self.serve("127.0.0.1:0")
        if self.worker_args:
            self.start_worker()

    def restart_server(self):
        """Stops `taskq serve` (SIGTERM) and starts it again on the same port: every session is forgotten."""
        self.server.terminate()
        self.server.wait(20)
        self.serve(f"127.0.0.1:{self.port}")

    def serve(self, bind):
        log = open(os.path.join(self.dir, "serve.log"), "a")
        self.server = subprocess.Popen([self.bin, "serve", "--bind", bind], env=self.env, cwd=self.dir,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        found = threading.Event()
        self.port = None

        def drain():
            for line in self.server.stderr:
                log.write(line)
                log.flush()
                m = re.search(r"serving on http://127\.0\.0\.1:(\d+)", line)
                if m and not found.is_set():
                    self.port = int(m.group(1))
                    found.set()
            found.set()

        threading.Thread(target=drain, daemon=True).start()
        if not found.wait(20) or self.port is None:
            raise RuntimeError("taskq serve did not report its port; see " + log.name)
        self.base = f"http://127.0.0.1:{self.port}"

    def start_worker(self):
        self.worker = subprocess.Popen([self.bin, "run-worker", "--grace-period", "1s", "--kill-grace", "1s", *self.worker_args],
                                       env=self.env, cwd=self.dir, stdout=subprocess.DEVNULL,
                                       stderr=open(os.path.join(self.dir, "worker.log"), "w"))

    def kill(self):
        for p in (self.worker, self.server):
            if p and p.poll() is None:
                p.kill()

    def stop(self, keep=False):
        for p in (self.worker, self.server):
            if p and p.poll() is None:
                p.terminate()
        for p in (self.worker, self.server):
            if p:
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        if not keep:
            shutil.rmtree(self.dir, ignore_errors=True)


class Run:
    """Scenarios in order, each counted; screenshots numbered in the order taken."""

    def __init__(self, stack, browser, out):
        self.s, self.browser, self.out = stack, browser, out
        self.passed, self.failed, self.shots = [], [], 0
        self.problems = []  # JavaScript errors, CSP violations, 5xx responses: each fails the run

    def context(self, width=1280):
        ctx = self.browser.new_context(viewport={"width": width, "height": 800}, base_url=self.s.base)
        ctx.set_default_timeout(10_000)
        return ctx

    def page(self, ctx):
        page = ctx.new_page()
        page.on("pageerror", lambda e: self.problems.append(f"JavaScript error on {page.url}: {e}"))
        page.on("console", lambda m: m.type == "error" and not re.search(r"status of 4\d\d", m.text)
                and self.problems.append(f"console error on {page.url}: {m.text}"))
        page.on("response", lambda r: r.status >= 500 and self.problems.append(f"{r.status} for {r.url}"))
        # Event streams end by being aborted; Chromium reports a HEAD (the live region's session check) as aborted too,
        # since it never reads a body: its status is what counts.
        page.on("requestfailed", lambda r: "/events/" not in r.url and r.method != "HEAD"
                and self.problems.append(f"request failed: {r.url} {r.failure}"))
        return page

    def shot(self, page, name):
        """Saves a full-page screenshot, after checking what a person would notice at once: no empty notice or
        box or heading, nothing wider than the window."""
        empty = page.evaluate("""() => Array.from(document.querySelectorAll('main .flash, main .error, main .notice, main pre, main h2'))
            .filter(e => e.textContent.trim() === '').map(e => e.outerHTML.slice(0, 80))""")
        assert not empty, f"{name}: empty boxes on {page.url}: {empty}"
        wide = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert wide <= 0, f"{name}: the page is {wide}px wider than the window at {page.url}"
        self.shots += 1
        page.screenshot(path=os.path.join(self.out, f"{self.shots:02d}-{name}.png"), full_page=True)

    def check(self, name, fn):
        start = time.monotonic()
        try:
            fn()
            self.passed.append(name)
            print(f"ok   {name} ({time.monotonic() - start:.1f}s)", flush=True)
        except Exception as e:
            self.failed.append(name)
            print(f"FAIL {name}: {e}", flush=True)
            traceback.print_exc(limit=3)


def login(page, user, password):
    page.goto("/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    with page.expect_navigation() as nav:
        page.click("section.login button[type=submit]")
    return nav.value


def set_marker(page):
    """A value on `window` that survives only as long as the page is not navigated or reloaded."""
    token = f"m{time.monotonic_ns()}"
    page.evaluate("t => { window.__taskqMarker = t; }", token)
    return token


def marker(page):
    return page.evaluate("() => window.__taskqMarker || null")


def card(page, name):
    return page.locator(f"[data-count={name}]")


def queue_cell(page, queue, state):
    return page.locator(f"tr[data-queue='{queue}'] td[data-state={state}]")


def expect_live_only(page, requests, token, what):
    """Nothing was fetched since the marker (no reload, no polling) and the page is still the same document."""
    assert marker(page) == token, f"{what}: the page was reloaded or navigated (window marker lost)"
    assert not requests, f"{what}: the page made requests instead of being pushed: {requests}"


def record_requests(page):
    seen = []
    page.on("request", lambda r: seen.append(f"{r.resource_type} {r.method} {r.url}"))
    return seen


def scenarios(run):
    s = run.s
    ids = {}
    # Seed: three echo jobs the worker completes, two in queue `batch:later`
    # that nobody serves (they stay waiting; its ':' is escaped in URLs).
    ids["done"] = [s.create_job(f"hello-{i}", "--task", "echo", "--args", json.dumps({"n": i})) for i in range(3)]
    ids["later"] = [s.create_job(f"later-{i}", "--task", "noop", "--queue", LATER) for i in range(2)]
    for job_id in ids["done"]:
        s.wait_job(job_id, {"completed"})

    admin = run.context()
    page = run.page(admin)

    def wrong_password():
        response = login(page, "admin", "not the password")
        assert response.status == 401, f"wrong password answered {response.status}, expected 401"
        assert "/login" in page.url, page.url
        expect(page.locator("p.error")).to_contain_text("Wrong user name or password")
        run.shot(page, "login-refused")
        page.goto("/")
        assert "/login" in page.url, f"without a login / should lead to /login, got {page.url}"

    def login_works():
        page.goto("/login")
        run.shot(page, "login")
        response = login(page, "admin", PASSWORD)
        assert response.status == 200 and page.url.rstrip("/") == s.base, f"after login: {response.status} {page.url}"
        expect(page.locator("header .who")).to_contain_text("admin")
        expect(page.locator("h1")).to_have_text("Overview")

    def overview_counts():
        page.goto("/")
        expect(card(page, "total")).to_have_text("5")
        expect(card(page, "waiting")).to_have_text("2")
        expect(card(page, "running")).to_have_text("0")
        expect(card(page, "failed")).to_have_text("0")
        expect(card(page, "workers")).to_have_text("1")
        expect(queue_cell(page, "default", "completed")).to_have_text("3")
        expect(queue_cell(page, LATER, "pending")).to_have_text("2")
        expect(page.locator("svg.chart.wide")).to_be_visible()
        expect(page.locator("svg.chart.narrow")).to_be_hidden()
        run.shot(page, "overview")

    def overview_live():
        streams = []
        page.on("request", lambda r: r.resource_type == "eventsource" and streams.append(r.url))
        page.goto("/")
        expect(page.locator("#overview[data-updated]")).to_have_count(1)  # the stream's first push arrived
        assert streams == [s.base + "/events/overview"], f"expected one EventSource on /events/overview: {streams}"
        expect(card(page, "total")).to_have_text("5")
        token = set_marker(page)
        requests = record_requests(page)
        ids["cli"] = s.create_job("from-cli", "--task", "noop", "--queue", LATER)
        expect(card(page, "total")).to_have_text("6")
        expect(card(page, "waiting")).to_have_text("3")
        expect(queue_cell(page, LATER, "pending")).to_have_text("3")
        expect_live_only(page, requests, token, "overview")
        run.shot(page, "overview-live")

    def enqueue_form():
        page.goto("/jobs/new")
        run.shot(page, "enqueue-form")
        page.fill("input[name=name]", "form-job")
        page.select_option("select[name=task]", "echo")
        page.fill("textarea[name=args]", "{not json")
        with page.expect_navigation() as nav:
            page.click("form.stack button[type=submit]")
        assert nav.value.status == 422, f"bad arguments answered {nav.value.status}, expected 422"
        expect(page.locator("p.error")).to_be_visible()
        expect(page.locator("input[name=name]")).to_have_value("form-job")  # the form comes back filled
        run.shot(page, "enqueue-form-error")
        page.fill("textarea[name=args]", json.dumps({"greeting": "from the form"}))
        with page.expect_navigation():
            page.click("form.stack button[type=submit]")
        m = re.search(r"/jobs/(\d+)", page.url)
        assert m, f"after enqueue: {page.url}"
        ids["form"] = int(m.group(1))
        expect(page.locator("p.flash")).to_contain_text(f"Job {ids['form']} enqueued")
        expect(page.locator("[data-job-state]")).to_have_text("completed", timeout=15_000)
        expect(page.locator("pre.result")).to_contain_text("from the form")
        run.shot(page, "job-from-form")
        job = s.job(ids["form"])
        assert job["name"] == "form-job" and job["args"] == {"greeting": "from the form"}, job
        page.goto("/jobs")
        expect(page.locator(f"a[href='/jobs/{ids['form']}']").first).to_be_visible()
        expect(page.locator("table.grid tbody tr", has_text="form-job")).to_contain_text("completed")
        run.shot(page, "jobs")
        # The form says what create-job warns about (a queue no worker reads), and a command's lines are trimmed.
        page.goto("/jobs/new")
        page.fill("textarea[name=command]", "  echo  \n hello world ")
        page.fill("input[name=queue]", "nobody-reads")
        with page.expect_navigation():
            page.click("form.stack button[type=submit]")
        expect(page.locator("p.flash")).to_contain_text("no live worker reads queue 'nobody-reads'")
        queued = s.job(int(re.search(r"/jobs/(\d+)", page.url).group(1)))
        assert queued["task"] == "shell" and queued["args"].get("command") == ["echo", "hello world"], queued

    def cancel_running():
        job_id = s.create_job("long-sleep", "--", "sleep", "30")
        s.wait_job(job_id, {"running"})
        page.goto(f"/jobs/{job_id}")
        expect(page.locator("[data-job-state]")).to_have_text("running")
        run.shot(page, "job-running")
        with page.expect_navigation():
            page.click("form[action$='/cancel'] button")
        expect(page.locator("p.flash")).to_be_visible()
        token = set_marker(page)
        requests = record_requests(page)
        expect(page.locator("[data-job-state]")).to_have_text("cancelled", timeout=15_000)
        expect_live_only(page, requests, token, "job page")
        assert s.job(job_id)["state"] == "cancelled"
        expect(page.locator("form[action$='/cancel']")).to_have_count(0)
        run.shot(page, "job-cancelled")

    def retry_failed():
        job_id = ids["doomed"] = s.create_job("doomed", "--task", "fail", "--max-retries", "0", "--args", json.dumps({"message": "boom"}))
        s.wait_job(job_id, {"failed"})
        page.goto(f"/jobs/{job_id}")
        expect(page.locator("[data-job-state]")).to_have_text("failed")
        expect(page.locator("pre.job-error")).to_contain_text("boom")
        run.shot(page, "job-failed")
        with page.expect_navigation():
            page.click("form[action$='/retry'] button")
        expect(page.locator("p.flash")).to_contain_text(f"Retry of job {job_id} queued")
        # The worker runs it again (and it fails again): the live page shows the second attempt.
        expect(page.locator("table.attempts tbody tr")).to_have_count(2, timeout=15_000)
        expect(page.locator("[data-job-state]")).to_have_text("failed")
        assert len(s.job(job_id)["history"]) == 2
        run.shot(page, "job-retried")

    def run_scheduled_now():
        job_id = s.create_job("later-report", "--task", "echo", "--in", "1h")
        page.goto(f"/jobs/{job_id}")
        expect(page.locator("[data-job-state]")).to_have_text("scheduled")
        button = page.locator("form[action$='/retry'] button")
        expect(button).to_have_text("Run now")
        with page.expect_navigation():
            button.click()
        expect(page.locator("p.flash")).to_contain_text(f"Job {job_id} runs now instead of at its due time")
        expect(page.locator("[data-job-state]")).to_have_text("completed", timeout=15_000)

    def bulk_retry():
        # A failed job of another task: the button retries what the filters select, the task filter included.
        other = s.create_job("shell-fails", "--max-retries", "0", "--", "sh", "-c", "exit 3")
        s.wait_job(other, {"failed"})
        page.goto("/jobs?state=failed&task=fail")
        expect(page.locator("table.jobs tbody tr")).to_have_count(1)
        expect(page.locator("form.bulk button")).to_contain_text("of task fail")
        run.shot(page, "jobs-failed")
        with page.expect_navigation():
            page.click("form.bulk button")
        expect(page.locator("p.flash")).to_contain_text("Retried 1 job(s)")
        assert "task=fail" in page.url, page.url
        s.wait_job(ids["doomed"], {"failed"})
        assert len(s.job(ids["doomed"])["history"]) == 3
        assert s.job(other)["state"] == "failed" and len(s.job(other)["history"]) == 1, s.job(other)

    def shell_output():
        page.goto("/jobs/new")
        page.fill("textarea[name=command]", "sh\n-c\necho hello from the shell; echo warning >&2")
        with page.expect_navigation():
            page.click("form.stack button[type=submit]")
        expect(page.locator("[data-job-state]")).to_have_text("completed", timeout=15_000)
        expect(page.locator("pre.output").first).to_contain_text("hello from the shell")
        expect(page.locator("pre.output").nth(1)).to_contain_text("warning")
        run.shot(page, "job-shell-output")
        # CRLF line ends in the output do not break the live stream: every line survives the pushes.
        crlf = s.create_job("crlf", "--", "sh", "-c", "sleep 1; printf 'one\\r\\ntwo\\r\\nevent: end\\r\\nthree\\n'")
        page.goto(f"/jobs/{crlf}")
        expect(page.locator("[data-job-state]")).to_have_text("completed", timeout=15_000)
        expect(page.locator("pre.output").first).to_contain_text("three")
        expect(page.locator("pre.output").first).to_contain_text("event: end")
        expect(page.locator("[data-live-state=live]")).to_have_count(1)
        # A command with a task that is not shell is refused with a message that speaks of the form.
        page.goto("/jobs/new")
        page.select_option("select[name=task]", "noop")
        page.fill("textarea[name=command]", "true")
        with page.expect_navigation() as nav:
            page.click("form.stack button[type=submit]")
        assert nav.value.status == 422, f"a command with the noop task answered {nav.value.status}, expected 422"
        expect(page.locator("p.error")).to_contain_text("choose shell or auto")

    def schedules_page():
        s.cli("schedule", "add", "reports:nightly", "--cron", "30 2 * * *", "--tz", "Europe/Berlin", "--task", "echo")
        page.goto("/schedules")
        row = page.locator("table.grid tbody tr", has_text="reports:nightly")
        expect(row).to_contain_text("30 2 * * *")
        expect(row.locator(".badge")).to_have_text("active")
        with page.expect_navigation():
            row.locator("button").click()
        expect(page.locator("p.flash")).to_contain_text("reports:nightly is paused")
        expect(page.locator("table.grid tbody tr", has_text="reports:nightly").locator(".badge")).to_have_text("paused")
        run.shot(page, "schedules")

    def workers_page():
        page.goto("/workers")
        expect(page.locator("table.grid tbody tr")).to_have_count(1)
        expect(page.locator("table.grid tbody tr .badge")).to_have_text("live")
        run.shot(page, "workers")

    def unknown_page():
        response = page.goto("/no/such/page")
        assert response.status == 404, f"an unknown page answered {response.status}"
        expect(page.locator("section.problem h1")).to_have_text("Not Found")
        response = page.goto("/jobs/999999")
        assert response.status == 404, f"a missing job answered {response.status}"
        expect(page.locator("section.problem .detail")).to_contain_text("999999")
        expect(page.locator("header nav")).to_be_visible()  # a dashboard page's error keeps the layout
        run.shot(page, "job-not-found")

    def pause_queue():
        page.goto("/")
        # Live pushes (the oldest waiting job's age changes every second) keep the focused button focused.
        page.focus("tr[data-queue='batch:later'] button")
        before = page.get_attribute("#overview", "data-updated")
        page.wait_for_function("b => document.querySelector('#overview').getAttribute('data-updated') !== b", arg=before)
        assert page.evaluate("() => document.activeElement.closest('tr') && document.activeElement.closest('tr').dataset.queue") == LATER
        with page.expect_navigation() as nav:
            page.keyboard.press("Enter")
        # The page the redirect loads already shows the change (no stale frame), before any live push.
        assert 'data-queue="batch:later"' in nav.value.text() and "badge paused" in nav.value.text().split('data-queue="batch:later"')[1][:2000]
        expect(page.locator("p.flash")).to_contain_text("Queue batch:later is paused")
        expect(page.locator("tr[data-queue='batch:later'] .badge:not(.narrow)")).to_have_text("paused")
        run.shot(page, "overview-paused")
        with page.expect_navigation():
            page.click("tr[data-queue='batch:later'] button")
        expect(page.locator("tr[data-queue='batch:later'] .badge:not(.narrow)")).to_have_text("active")
        # The queue's links lead to its jobs.
        with page.expect_navigation():
            page.click("tr[data-queue='batch:later'] td[data-state=pending] a")
        expect(page.locator("input[name=queue]")).to_have_value(LATER)
        expect(page.locator("table.jobs tbody tr")).to_have_count(3)

    def csrf_refused():
        job_id = ids["later"][0]

        def open_job_page():
            # The live region's first push replaces the forms: tamper with them only after it.
            page.goto(f"/jobs/{job_id}")
            expect(page.locator("#job[data-updated]")).to_have_count(1)

        open_job_page()
        page.evaluate("() => document.querySelectorAll(\"form[action$='/cancel'] input[name=csrf]\").forEach(e => e.remove())")
        with page.expect_navigation() as nav:
            page.click("form[action$='/cancel'] button")
        assert nav.value.status == 403, f"a cancel without its CSRF token answered {nav.value.status}, expected 403"
        expect(page.locator("body")).to_contain_text("CSRF")
        run.shot(page, "csrf-refused")
        assert s.job(job_id)["state"] == "pending", "the refused cancel changed the job"
        # A made-up token is as bad as none.
        open_job_page()
        page.evaluate("() => document.querySelector(\"form[action$='/cancel'] input[name=csrf]\").value = 'forged'")
        with page.expect_navigation() as nav:
            page.click("form[action$='/cancel'] button")
        assert nav.value.status == 403, f"a forged CSRF token answered {nav.value.status}"
        assert s.job(job_id)["state"] == "pending"

    def viewer_read_only():
        ctx = run.context()
        try:
            vpage = run.page(ctx)
            response = login(vpage, "viewer", VIEWER_PASSWORD)
            assert response.status == 200, response.status
            expect(vpage.locator("header .who")).to_contain_text("viewer")
            expect(card(vpage, "total")).to_be_visible()
            expect(vpage.locator("#overview button")).to_have_count(0)
            expect(vpage.locator("header nav a[href='/jobs/new']")).to_have_count(0)
            run.shot(vpage, "viewer-overview")
            job_id = ids["later"][1]
            vpage.goto(f"/jobs/{job_id}")
            expect(vpage.locator("[data-job-state]")).to_have_text("pending")
            expect(vpage.locator("main form")).to_have_count(0)
            expect(vpage.locator("main button")).to_have_count(0)
            run.shot(vpage, "viewer-job")
            vpage.goto("/jobs?state=failed")
            expect(vpage.locator("main form[method=post]")).to_have_count(0)  # no bulk retry
            assert vpage.goto("/jobs/new").status == 403
            # Post the cancel form anyway, with the viewer's own valid CSRF token (from its logout form).
            vpage.goto(f"/jobs/{job_id}")
            expect(vpage.locator("#job[data-updated]")).to_have_count(1)
            with vpage.expect_navigation() as nav:
                vpage.evaluate("""id => {
                    const f = document.createElement('form'); f.method = 'post'; f.action = '/jobs/' + id + '/cancel';
                    const i = document.createElement('input'); i.type = 'hidden'; i.name = 'csrf';
                    i.value = document.querySelector('form.who input[name=csrf]').value;
                    f.appendChild(i); document.body.appendChild(f); f.submit(); }""", job_id)
            assert nav.value.status == 403, f"a viewer's cancel answered {nav.value.status}, expected 403"
            run.shot(vpage, "viewer-refused")
            assert s.job(job_id)["state"] == "pending", "the viewer's cancel changed the job"
        finally:
            ctx.close()

    def narrow_window():
        ctx = run.context(width=414)
        try:
            npage = run.page(ctx)
            login(npage, "admin", PASSWORD)
            for name, path in [("overview", "/"), ("job", f"/jobs/{ids['form']}"), ("enqueue", "/jobs/new")]:
                npage.goto(path)
                expect(npage.locator("header nav")).to_be_visible()
                # Every section of the navigation is on screen (they wrap rather than scroll out of view).
                for link in npage.locator("header nav a").all():
                    box = link.bounding_box()
                    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 414, (link.inner_text(), box)
                if name == "overview":
                    # The queue table keeps name, pending, running, failed and the button, and needs no sideways scroll.
                    wrap = npage.locator("table.queues").locator("xpath=..")
                    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth"), wrap.evaluate("w => [w.scrollWidth, w.clientWidth]")
                    expect(npage.locator("table.queues thead th:visible")).to_have_count(5)
                    # The chart drawn for a phone: its labels are at least 10 px high once scaled to the screen.
                    expect(npage.locator("svg.chart.wide")).to_be_hidden()
                    # (Measured in one evaluation: a live push may replace the region between two calls.)
                    height = npage.evaluate("() => document.querySelector('svg.chart.narrow text').getBoundingClientRect().height")
                    assert height >= 10, height
                run.shot(npage, f"narrow-{name}")  # checks that nothing is wider than the window
        finally:
            ctx.close()

    def logout():
        page.goto("/")
        other_tab = run.page(admin)
        other_tab.goto("/")
        expect(other_tab.locator("#overview[data-live-state=live]")).to_have_count(1)
        saved = [c for c in admin.cookies() if c["name"] == "taskq_session"]
        assert saved, "no taskq_session cookie"
        assert saved[0]["httpOnly"] and saved[0]["sameSite"] == "Lax", saved[0]
        with page.expect_navigation():
            page.click("form.who button")
        assert page.url.endswith("/login"), page.url
        run.shot(page, "logged-out")
        # The other tab's live region says its updates stopped instead of freezing silently.
        expect(other_tab.locator("#overview[data-live-state=ended]")).to_have_count(1)
        run.shot(other_tab, "live-updates-stopped")
        other_tab.close()
        page.goto("/jobs")
        assert "/login" in page.url, f"after logout /jobs showed {page.url}"
        # The old cookie, put back, is dead on the server too.
        admin.add_cookies(saved)
        page.goto("/")
        assert "/login" in page.url, f"the old session cookie still works: {page.url}"
        assert page.request.get("/api/v1/stats").status == 401
        # Logging in again leads back to the page asked for, filters included.
        page.goto("/jobs?state=failed")
        assert "/login?next=" in page.url, page.url
        login_form = page.url
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("section.login button[type=submit]")
        assert page.url == s.base + "/jobs?state=failed", f"after logging in from {login_form}: {page.url}"

    def server_restart():
        # Sessions live in the server's memory: a page left open across a restart finds it has none any more and
        # says to log in again, instead of retrying for ever.
        page.goto("/")
        expect(page.locator("#overview[data-live-state=live]")).to_have_count(1)
        s.restart_server()
        expect(page.locator("#overview[data-live-state=signed-out]")).to_have_count(1, timeout=30000)
        run.shot(page, "signed-out-after-restart")
        page.reload()
        assert "/login" in page.url, page.url

    for name, fn in [("wrong password refused", wrong_password), ("login", login_works),
                     ("overview shows the counts", overview_counts), ("overview is pushed live", overview_live),
                     ("enqueue through the form", enqueue_form), ("cancel a running job from its live page", cancel_running),
                     ("retry a failed job", retry_failed), ("run a scheduled job now", run_scheduled_now), ("bulk retry of failed jobs", bulk_retry),
                     ("shell job output", shell_output), ("schedules page", schedules_page), ("workers page", workers_page),
                     ("unknown pages and jobs are 404", unknown_page), ("pause and resume a queue", pause_queue),
                     ("form POST without CSRF refused", csrf_refused), ("viewer is read-only", viewer_read_only),
                     ("pages fit a phone-sized window", narrow_window), ("logout ends the session", logout),
                     ("a page open across a server restart says to log in again", server_restart)]:
        run.check(name, fn)
    admin.close()


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 64
    out = sys.argv[2] if len(sys.argv) > 2 else ".build/browser-screenshots"
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out, exist_ok=True)
    started = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanup
    stack = Stack(sys.argv[1])
    failed = True
    try:
        stack.start()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            run = Run(stack, browser, out)
            try:
                scenarios(run)
            finally:
                browser.close()
        if run.problems:
            run.failed.append("no JavaScript errors, CSP violations or 5xx responses")
            problems = list(dict.fromkeys(run.problems))
            print("FAIL no JavaScript errors, CSP violations or 5xx responses:\n  " + "\n  ".join(problems[:20]))
        else:
            run.passed.append("no JavaScript errors, CSP violations or 5xx responses")
        failed = bool(run.failed)
        print(f"browser tests: {time.monotonic() - started:.1f}s, screenshots in {out}")
        print(f"{len(run.passed)} passed, {len(run.failed)} failed")
    finally:
        if failed:
            print(f"logs kept in {stack.dir} (serve.log, worker.log)", file=sys.stderr)
        stack.stop(keep=failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
