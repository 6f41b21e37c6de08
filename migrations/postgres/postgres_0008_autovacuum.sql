-- Autovacuum settings for the two tables every job churns (issue 12). A job leaves two dead row versions in
-- taskq_jobs (claim, outcome) and one in taskq_attempts, and purge deletes what finished. PostgreSQL's defaults
-- wait for 20 % of a table to be dead before vacuuming it and then vacuum at a throttled pace, so under a steady drain
-- the vacuum of a growing table never caught up: 1,500,000 dead rows after 25 cycles of 20,000 jobs drained and
-- purged, and the drain slowing from 19,000 to 12,000 jobs/s (BENCHMARKS.md, "PostgreSQL under churn"). Here a
-- table is vacuumed and analysed once 2 % of it changed, without throttling: each vacuum has less to do and ends
-- sooner. The autovacuum naptime (one minute by default) still bounds how often; it is a server setting.
ALTER TABLE taskq_jobs SET (
    autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.02,
    autovacuum_vacuum_cost_delay = 0
);
ALTER TABLE taskq_attempts SET (
    autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.02,
    autovacuum_vacuum_cost_delay = 0
);
-- Inserts alone trigger a vacuum from PostgreSQL 13 on (it sets the visibility map a claim's index scan relies on).
DO $$
BEGIN
    IF current_setting('server_version_num')::int >= 130000 THEN
        ALTER TABLE taskq_jobs SET (autovacuum_vacuum_insert_scale_factor = 0.02);
        ALTER TABLE taskq_attempts SET (autovacuum_vacuum_insert_scale_factor = 0.02);
    END IF;
END
$$;
