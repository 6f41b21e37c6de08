-- taskq schema v4 for SQLite: job output. A shell job's stdout and stderr per attempt, the tail of what was written
-- (at most the worker's output cap); total_bytes counts every byte written, so total_bytes - length(data) were
-- dropped from the front. Deleted with the job. A rowid table: rows are up to the cap (1 MiB by default).
CREATE TABLE taskq_job_output (
    job_id      INTEGER NOT NULL REFERENCES taskq_jobs(id) ON DELETE CASCADE,
    attempt     INTEGER NOT NULL,
    stream      TEXT    NOT NULL CHECK (stream IN ('stdout','stderr')),
    data        BLOB    NOT NULL,
    total_bytes INTEGER NOT NULL,
    PRIMARY KEY (job_id, attempt, stream)
);
