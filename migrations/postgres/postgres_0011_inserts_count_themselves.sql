-- taskq schema v11 for PostgreSQL: taskq's own inserts add to the job counts themselves (issue 12).
--
-- Migration 0007's AFTER INSERT trigger is a PL/pgSQL function. The first call in a server process loads PL/pgSQL
-- and compiles the function, about 1 ms, and every one-shot command (`create-job`, the beat's first fire, a
-- script's enqueue) runs in a new server process, so each paid it: a fresh connection's first INSERT took 5.9-6.5 ms
-- with the trigger against 4.7-5.4 ms when the statement counts its own rows (pgbench -C, BENCHMARKS.md).
--
-- taskq's connections set `taskq.inserts_counted` to `on` for their session (PostgresConnection), and their inserts
-- count the rows they add in the same statement: an `INSERT … RETURNING` inside a CTE beside the counter upsert
-- (PostgresSQL.insertJobsAndNotify), or, after a COPY, one statement with the batch's counts worked out by the
-- client (PostgresSQL.countCopiedAndNotify). The trigger below skips exactly those sessions; any other writer (psql,
-- a restore, a taskq older than this migration still running during the upgrade) is counted by the trigger as
-- before. Updates and deletes keep their triggers: a worker's server process loads PL/pgSQL once, and counting
-- claims and outcomes in the statement cost a drain more than the trigger does.
--
-- The setting lives as long as the server session. A connection pooler that hands one server session to several
-- clients must reset it between them (PgBouncer's session pooling does, with its default `DISCARD ALL`); taskq
-- already needs session pooling for LISTEN and its prepared statements.
DROP TRIGGER taskq_job_counts_insert ON taskq_jobs;
CREATE TRIGGER taskq_job_counts_insert AFTER INSERT ON taskq_jobs
    REFERENCING NEW TABLE AS taskq_new_jobs FOR EACH STATEMENT
    WHEN (current_setting('taskq.inserts_counted', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION taskq_job_counts_inserted();
