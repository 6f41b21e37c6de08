-- taskq schema v2 for PostgreSQL: periodic schedules and their fire keys.
-- A schedule added with `taskq schedule add` keeps its definition here; one from taskq.toml keeps only its state
-- (definition NULL).
CREATE TABLE taskq_schedules (
    name         text    PRIMARY KEY,
    definition   jsonb,
    paused       boolean NOT NULL DEFAULT false,
    baseline_at  bigint  NOT NULL,
    last_fire_at bigint,
    last_job_id  bigint,
    created_at   bigint  NOT NULL,
    updated_at   bigint  NOT NULL
);

-- One row per fired tick: the unique fire key that stops two beats from firing a tick twice.
CREATE TABLE taskq_schedule_fires (
    schedule text   NOT NULL REFERENCES taskq_schedules(name) ON DELETE CASCADE,
    fire_at  bigint NOT NULL,
    job_id   bigint,
    fired_at bigint NOT NULL,
    PRIMARY KEY (schedule, fire_at)
);
