-- taskq schema v1 for PostgreSQL. Objects live in the taskq schema (search_path is set by taskq).
-- Times are bigint milliseconds since the Unix epoch (UTC), the same clock values the engine passes to every store.
CREATE TABLE taskq_jobs (
    id               bigserial PRIMARY KEY,
    name             text     NOT NULL,
    task             text     NOT NULL,
    args             jsonb    NOT NULL DEFAULT '{}',
    queue            text     NOT NULL DEFAULT 'default',
    priority         smallint NOT NULL DEFAULT 5 CHECK (priority BETWEEN 0 AND 10),
    state            text     NOT NULL CHECK (state IN ('scheduled','pending','running','retrying','completed','failed','cancelled')),
    attempt          integer  NOT NULL DEFAULT 0,
    attempt_offset   integer  NOT NULL DEFAULT 0,
    max_retries      integer  NOT NULL DEFAULT 3 CHECK (max_retries >= 0),
    backoff          text     NOT NULL DEFAULT 'exponential' CHECK (backoff IN ('exponential','fixed','linear')),
    retry_delay_ms   bigint   NOT NULL DEFAULT 10000,
    timeout_ms       bigint,
    run_at           bigint   NOT NULL,
    unique_key       text,
    result           jsonb,
    error            text,
    created_at       bigint   NOT NULL,
    started_at       bigint,
    finished_at      bigint,
    worker           text,
    lease_until      bigint,
    cancel_requested boolean  NOT NULL DEFAULT false
);

-- The claim order (strict priority, due time, enqueue order) over ready jobs, per queue and across queues.
CREATE INDEX taskq_jobs_claim ON taskq_jobs (queue, priority DESC, run_at, id)
    WHERE state IN ('pending','scheduled','retrying');
CREATE INDEX taskq_jobs_claim_any_queue ON taskq_jobs (priority DESC, run_at, id)
    WHERE state IN ('pending','scheduled','retrying');
CREATE INDEX taskq_jobs_lease ON taskq_jobs (lease_until) WHERE state = 'running';
CREATE UNIQUE INDEX taskq_jobs_unique_live ON taskq_jobs (unique_key)
    WHERE unique_key IS NOT NULL AND state IN ('scheduled','pending','running','retrying');
CREATE INDEX taskq_jobs_state ON taskq_jobs (state, id);
CREATE INDEX taskq_jobs_finished ON taskq_jobs (finished_at) WHERE finished_at IS NOT NULL;

CREATE TABLE taskq_attempts (
    job_id      bigint  NOT NULL REFERENCES taskq_jobs(id) ON DELETE CASCADE,
    attempt     integer NOT NULL,
    started_at  bigint  NOT NULL,
    finished_at bigint,
    worker      text    NOT NULL,
    outcome     text    NOT NULL CHECK (outcome IN ('running','completed','failed','timeout','cancelled','lost','released')),
    error       text,
    PRIMARY KEY (job_id, attempt)
);

CREATE TABLE taskq_tasks (
    name        text PRIMARY KEY,
    description text NOT NULL DEFAULT '',
    worker      text,
    last_seen   bigint NOT NULL
);

CREATE TABLE taskq_workers (
    id          text PRIMARY KEY,
    host        text    NOT NULL,
    pid         integer NOT NULL,
    queues      text    NOT NULL,
    concurrency integer NOT NULL,
    started_at  bigint  NOT NULL,
    last_seen   bigint  NOT NULL
);
