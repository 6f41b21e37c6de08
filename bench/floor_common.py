"""Helpers shared by the PostgreSQL floors (floor.py, schema_floor.py)."""
import os, subprocess, tempfile, time
from urllib.parse import urlparse


def pg_env(url, options=None):
    """libpq's environment for psql and pgbench from a postgres:// URL (password included, never printed)."""
    u = urlparse(url)
    env = dict(os.environ, PGHOST=u.hostname or "127.0.0.1", PGPORT=str(u.port or 5432), PGUSER=u.username or "postgres",
               PGDATABASE=(u.path or "/postgres").lstrip("/") or "postgres")
    if u.password:
        env["PGPASSWORD"] = u.password
    if options:
        env["PGOPTIONS"] = options
    return env


def pgbench_seconds(script, transactions, env):
    """Runs `script` `transactions` times with pgbench on one connection; returns the seconds it took."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(script)
    try:
        start = time.perf_counter()
        subprocess.run(["pgbench", "-n", "-c", "1", "-t", str(transactions), "-f", f.name], env=env, check=True,
                       capture_output=True)
        return time.perf_counter() - start
    finally:
        os.unlink(f.name)


def run_floor(name, url, sqlite=None, postgres=None, redis=None):
    """Runs the floor for `url`'s backend (SQLite in a fresh temporary file) and prints its rate in jobs/s."""
    if url.startswith("sqlite:") and sqlite:
        with tempfile.TemporaryDirectory() as d:
            rate = sqlite(os.path.join(d, "floor.sqlite3"))
    elif url.startswith("postgres") and postgres:
        rate = postgres(url)
    elif url.startswith("redis") and redis:
        rate = redis(url)
    else:
        raise SystemExit(f"{name}: no floor for {url.split(':')[0]} here")
    print(f"{rate:.0f}")
