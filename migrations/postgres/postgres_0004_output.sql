-- taskq schema v4 for PostgreSQL: job output. A shell job's stdout and stderr per attempt, the tail of what was
-- written (at most the worker's output cap); total_bytes counts every byte written, so total_bytes - length(data)
-- were dropped from the front. Deleted with the job.
CREATE TABLE taskq_job_output (
    job_id      bigint  NOT NULL REFERENCES taskq_jobs(id) ON DELETE CASCADE,
    attempt     integer NOT NULL,
    stream      text    NOT NULL CHECK (stream IN ('stdout','stderr')),
    data        bytea   NOT NULL,
    total_bytes bigint  NOT NULL,
    PRIMARY KEY (job_id, attempt, stream)
);
