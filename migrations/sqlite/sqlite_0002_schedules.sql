-- taskq schema v2 for SQLite: periodic schedules and their fire keys.
-- A schedule added with `taskq schedule add` keeps its definition here; one from taskq.toml keeps only its state
-- (definition NULL).
CREATE TABLE taskq_schedules (
    name         TEXT    PRIMARY KEY,
    definition   TEXT,
    paused       INTEGER NOT NULL DEFAULT 0,
    baseline_at  INTEGER NOT NULL,
    last_fire_at INTEGER,
    last_job_id  INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) WITHOUT ROWID;

-- One row per fired tick: the unique fire key that stops two beats from firing a tick twice.
CREATE TABLE taskq_schedule_fires (
    schedule TEXT    NOT NULL,
    fire_at  INTEGER NOT NULL,
    job_id   INTEGER,
    fired_at INTEGER NOT NULL,
    PRIMARY KEY (schedule, fire_at)
) WITHOUT ROWID;
