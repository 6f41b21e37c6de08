#!/usr/bin/env python3
"""Makes docs/screenshots/overview.png and docs/screenshots/job.png: a worker runs a mixed workload for a while (so
the throughput chart and the counts say something), then headless Chromium photographs the overview and a shell
job's page at 1280 px wide.

    python3 tests/browser/docs_screenshots.py TASKQ_BINARY [OUTPUT_DIR] [--seconds 90]     (default docs/screenshots)
"""
import argparse, json, os, random, sys, time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_dashboard import CHROMIUM, PASSWORD, Stack, login  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("out", nargs="?", default="docs/screenshots")
    parser.add_argument("--seconds", type=int, default=90)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(7)
    stack = Stack(args.binary, worker_args=("-q", "default", "-q", "mail", "-q", "reports", "-c", "6"))
    try:
        stack.start()
        stack.cli("queue", "pause", "reports")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            ctx = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=stack.base)
            page = ctx.new_page()
            login(page, "admin", PASSWORD)
            page.goto("/")  # watched: the live feed samples every 500 ms
            shell_job = None
            end = time.monotonic() + args.seconds
            while time.monotonic() < end:
                for i in range(rng.randint(2, 9)):
                    stack.create_job(f"send-welcome-{i}", "--task", "sleep", "--queue", "mail",
                                     "--args", json.dumps({"seconds": round(rng.uniform(0.1, 0.8), 2)}))
                for i in range(rng.randint(1, 6)):
                    stack.create_job(f"resize-image-{i}", "--task", "echo", "--args", json.dumps({"width": 640}))
                if rng.random() < 0.2:
                    stack.create_job("charge-card", "--task", "fail", "--max-retries", "0",
                                     "--args", json.dumps({"message": "card declined"}))
                if rng.random() < 0.3:
                    stack.create_job("nightly-report", "--task", "noop", "--queue", "reports")
                if shell_job is None:
                    shell_job = stack.create_job("backup-db", "--", "sh", "-c",
                                                 "for t in users orders invoices; do echo \"dumping $t\"; sleep 0.3; done;"
                                                 " echo 'dump complete: 3 tables, 48 MiB'; echo 'vacuum skipped' >&2")
                time.sleep(1)
            for i in range(3):
                stack.create_job(f"import-batch-{i}", "--", "sleep", "20")
            time.sleep(1.5)
            page.goto("/")
            expect(page.locator("#overview[data-updated]")).to_have_count(1)
            page.screenshot(path=os.path.join(args.out, "overview.png"), full_page=True)
            page.goto(f"/jobs/{shell_job}")
            expect(page.locator("[data-job-state]")).to_have_text("completed")
            page.screenshot(path=os.path.join(args.out, "job.png"), full_page=True)
            browser.close()
        print(f"wrote {args.out}/overview.png and {args.out}/job.png")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
