-- taskq schema v7 for SQLite: job counts per queue and state kept by triggers, so counts() (stats, queue list, the
-- dashboard, /metrics) reads a few rows instead of counting every job. SQLite has one writer at a time, so one row
-- per (queue, state) costs no concurrency; each trigger runs inside the statement that changed the job, in its
-- transaction. Rows may reach n = 0 and stay (counts() skips them).
CREATE TABLE taskq_job_counts (
    queue TEXT    NOT NULL,
    state TEXT    NOT NULL,
    n     INTEGER NOT NULL,
    PRIMARY KEY (queue, state)
) WITHOUT ROWID;

INSERT INTO taskq_job_counts (queue, state, n) SELECT queue, state, COUNT(*) FROM taskq_jobs GROUP BY queue, state;

CREATE TRIGGER taskq_job_counts_insert AFTER INSERT ON taskq_jobs
BEGIN
    INSERT INTO taskq_job_counts (queue, state, n) VALUES (new.queue, new.state, 1)
        ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER taskq_job_counts_delete AFTER DELETE ON taskq_jobs
BEGIN
    UPDATE taskq_job_counts SET n = n - 1 WHERE queue = old.queue AND state = old.state;
END;

-- Only updates that name state or queue fire it (heartbeats, cancel requests do not), and only real moves count.
CREATE TRIGGER taskq_job_counts_update AFTER UPDATE OF state, queue ON taskq_jobs
    WHEN old.state IS NOT new.state OR old.queue IS NOT new.queue
BEGIN
    UPDATE taskq_job_counts SET n = n - 1 WHERE queue = old.queue AND state = old.state;
    INSERT INTO taskq_job_counts (queue, state, n) VALUES (new.queue, new.state, 1)
        ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;
END;
