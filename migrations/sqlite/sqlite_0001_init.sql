-- taskq schema v1 for SQLite. Times are integer milliseconds since the Unix epoch (UTC).
CREATE TABLE taskq_jobs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    name             TEXT    NOT NULL,
    task             TEXT    NOT NULL,
    args             TEXT    NOT NULL DEFAULT '{}',
    queue            TEXT    NOT NULL DEFAULT 'default',
    priority         INTEGER NOT NULL DEFAULT 5 CHECK (priority BETWEEN 0 AND 10),
    state            TEXT    NOT NULL CHECK (state IN ('scheduled','pending','running','retrying','completed','failed','cancelled')),
    attempt          INTEGER NOT NULL DEFAULT 0,
    attempt_offset   INTEGER NOT NULL DEFAULT 0,
    max_retries      INTEGER NOT NULL DEFAULT 3 CHECK (max_retries >= 0),
    backoff          TEXT    NOT NULL DEFAULT 'exponential' CHECK (backoff IN ('exponential','fixed','linear')),
    retry_delay_ms   INTEGER NOT NULL DEFAULT 10000,
    timeout_ms       INTEGER,
    run_at           INTEGER NOT NULL,
    unique_key       TEXT,
    result           TEXT,
    error            TEXT,
    created_at       INTEGER NOT NULL,
    started_at       INTEGER,
    finished_at      INTEGER,
    worker           TEXT,
    lease_until      INTEGER,
    cancel_requested INTEGER NOT NULL DEFAULT 0
);

-- The claim order: strict priority, then due time, then enqueue order, over ready jobs only.
CREATE INDEX taskq_jobs_claim ON taskq_jobs (queue, priority DESC, run_at, id)
    WHERE state IN ('pending','scheduled','retrying');
-- Rescue scans running jobs by lease expiry.
CREATE INDEX taskq_jobs_lease ON taskq_jobs (lease_until) WHERE state = 'running';
-- At most one live job per unique key.
CREATE UNIQUE INDEX taskq_jobs_unique_live ON taskq_jobs (unique_key)
    WHERE unique_key IS NOT NULL AND state IN ('scheduled','pending','running','retrying');
-- Listing and purging by state.
CREATE INDEX taskq_jobs_state ON taskq_jobs (state, id);
CREATE INDEX taskq_jobs_finished ON taskq_jobs (finished_at) WHERE finished_at IS NOT NULL;

-- Every attempt is kept: history is never overwritten.
CREATE TABLE taskq_attempts (
    job_id      INTEGER NOT NULL REFERENCES taskq_jobs(id) ON DELETE CASCADE,
    attempt     INTEGER NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    worker      TEXT    NOT NULL,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('running','completed','failed','timeout','cancelled','lost','released')),
    error       TEXT,
    PRIMARY KEY (job_id, attempt)
) WITHOUT ROWID;

-- Task names that some worker has announced, so enqueuers elsewhere accept them.
CREATE TABLE taskq_tasks (
    name        TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    worker      TEXT,
    last_seen   INTEGER NOT NULL
) WITHOUT ROWID;

-- Live and recent workers.
CREATE TABLE taskq_workers (
    id          TEXT PRIMARY KEY,
    host        TEXT    NOT NULL,
    pid         INTEGER NOT NULL,
    queues      TEXT    NOT NULL,
    concurrency INTEGER NOT NULL,
    started_at  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL
) WITHOUT ROWID;
