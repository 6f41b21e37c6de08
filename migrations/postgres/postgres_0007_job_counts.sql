-- taskq schema v7 for PostgreSQL: job counts per queue and state kept by triggers, so counts() (stats, queue list,
-- the dashboard, /metrics) reads a few rows instead of counting every job.
--
-- A single counter row per (queue, state) would make every claim and outcome wait for the previous writer's commit
-- (row locks are held to the end of the transaction). Instead each server process (backend) keeps its own rows,
-- keyed by pg_backend_pid(): a backend runs one transaction at a time, so no two open transactions ever update the
-- same counter row. Slot 0 is the base, filled here and by folding the rows of backends that have gone
-- (taskq_fold_job_counts, called by counts()). The count of a (queue, state) is sum(n) over all slots, read in one
-- statement (one snapshot), so it always equals count(*) over taskq_jobs at that snapshot.
--
-- Statement-level AFTER triggers with transition tables (one per event: transition tables allow neither several
-- events nor UPDATE OF column lists) add each statement's net change per (queue, state). An UPDATE that changes no
-- job's state or queue (a heartbeat, a cancel request) nets to nothing and writes nothing. The counter rows only
-- ever have n updated, so updates are HOT and pruned within their page; fillfactor leaves room for that.
CREATE TABLE taskq_job_counts (
    slot  integer NOT NULL,
    queue text    NOT NULL,
    state text    NOT NULL,
    n     bigint  NOT NULL,
    PRIMARY KEY (slot, queue, state)
) WITH (fillfactor = 50);

-- The functions name the counter table with its schema, written in when they are made: they work whatever the
-- search_path of the session changing jobs (a psql session, a restore), and need no `SET search_path` of their own
-- (which would cost every statement a configuration change).
DO $migration$
DECLARE
    counts constant text := quote_ident(current_schema()) || '.taskq_job_counts';
BEGIN
    EXECUTE replace($fn$
        CREATE FUNCTION taskq_job_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            INSERT INTO @counts@ AS c (slot, queue, state, n)
            SELECT pg_backend_pid(), queue, state, count(*) FROM taskq_new_jobs GROUP BY queue, state ORDER BY queue, state
            ON CONFLICT (slot, queue, state) DO UPDATE SET n = c.n + excluded.n;
            RETURN NULL;
        END $body$
    $fn$, '@counts@', counts);

    EXECUTE replace($fn$
        CREATE FUNCTION taskq_job_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            INSERT INTO @counts@ AS c (slot, queue, state, n)
            SELECT pg_backend_pid(), queue, state, -count(*) FROM taskq_old_jobs GROUP BY queue, state ORDER BY queue, state
            ON CONFLICT (slot, queue, state) DO UPDATE SET n = c.n + excluded.n;
            RETURN NULL;
        END $body$
    $fn$, '@counts@', counts);

    -- Net moves per (queue, state); a statement that moved no job (a heartbeat) writes nothing.
    EXECUTE replace($fn$
        CREATE FUNCTION taskq_job_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            INSERT INTO @counts@ AS c (slot, queue, state, n)
            SELECT pg_backend_pid(), queue, state, sum(d) FROM (
                SELECT queue, state, 1 AS d FROM taskq_new_jobs
                UNION ALL
                SELECT queue, state, -1 FROM taskq_old_jobs
            ) moved
            GROUP BY queue, state HAVING sum(d) <> 0 ORDER BY queue, state
            ON CONFLICT (slot, queue, state) DO UPDATE SET n = c.n + excluded.n;
            RETURN NULL;
        END $body$
    $fn$, '@counts@', counts);

    EXECUTE replace($fn$
        CREATE FUNCTION taskq_job_counts_truncated() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            DELETE FROM @counts@;
            RETURN NULL;
        END $body$
    $fn$, '@counts@', counts);

    -- Folds the rows of server processes that have ended into slot 0, one caller at a time (others return 0 at
    -- once). A process that reuses a folded pid simply starts its rows again. Returns the number of rows folded.
    EXECUTE replace($fn$
        CREATE FUNCTION taskq_fold_job_counts() RETURNS bigint LANGUAGE plpgsql AS $body$
        DECLARE
            folded bigint;
        BEGIN
            IF NOT pg_try_advisory_xact_lock(hashtext('taskq.job_counts.@counts@')) THEN
                RETURN 0;
            END IF;
            WITH gone AS (
                DELETE FROM @counts@
                WHERE slot <> 0 AND slot NOT IN (SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL)
                RETURNING queue, state, n
            ), summed AS (
                SELECT queue, state, sum(n) AS n, count(*) AS rows FROM gone GROUP BY queue, state
            ), base AS (
                INSERT INTO @counts@ AS c (slot, queue, state, n)
                SELECT 0, queue, state, n FROM summed ORDER BY queue, state
                ON CONFLICT (slot, queue, state) DO UPDATE SET n = c.n + excluded.n
            )
            SELECT COALESCE(sum(rows), 0) INTO folded FROM summed;
            -- Base rows of (queue, state) pairs with no job left and no other slot.
            DELETE FROM @counts@ c WHERE c.slot = 0 AND c.n = 0
                AND NOT EXISTS (SELECT 1 FROM @counts@ o WHERE o.slot <> 0 AND o.queue = c.queue AND o.state = c.state);
            RETURN folded;
        END $body$
    $fn$, '@counts@', counts);
END $migration$;

-- Writes wait here until the counts below are filled, so none is missed or counted twice.
LOCK TABLE taskq_jobs IN SHARE ROW EXCLUSIVE MODE;

CREATE TRIGGER taskq_job_counts_insert AFTER INSERT ON taskq_jobs
    REFERENCING NEW TABLE AS taskq_new_jobs FOR EACH STATEMENT EXECUTE FUNCTION taskq_job_counts_inserted();
CREATE TRIGGER taskq_job_counts_update AFTER UPDATE ON taskq_jobs
    REFERENCING OLD TABLE AS taskq_old_jobs NEW TABLE AS taskq_new_jobs
    FOR EACH STATEMENT EXECUTE FUNCTION taskq_job_counts_updated();
CREATE TRIGGER taskq_job_counts_delete AFTER DELETE ON taskq_jobs
    REFERENCING OLD TABLE AS taskq_old_jobs FOR EACH STATEMENT EXECUTE FUNCTION taskq_job_counts_deleted();
CREATE TRIGGER taskq_job_counts_truncate AFTER TRUNCATE ON taskq_jobs
    FOR EACH STATEMENT EXECUTE FUNCTION taskq_job_counts_truncated();

INSERT INTO taskq_job_counts (slot, queue, state, n)
SELECT 0, queue, state, count(*) FROM taskq_jobs GROUP BY queue, state;
