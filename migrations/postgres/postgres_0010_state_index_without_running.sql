-- taskq schema v10 for PostgreSQL: the state index leaves out running jobs (issue 12), as SQLite's did in its v9.
--
-- taskq_jobs_state (state, id) serves listings by state (`list-jobs --state`, the dashboard, the API) of any size:
-- a million completed or waiting jobs. Every attempt passes through `running`. An update that changes an indexed
-- column writes a new entry into every index whose predicate the new row version meets, so a claim added a
-- (running, id) entry here besides its primary-key and lease entries, and each such entry is one more for vacuum to
-- remove. Running jobs are few (the workers' slots and backlogs) and already have their own index, taskq_jobs_lease
-- (lease_until) WHERE state = 'running', which a listing of running jobs reads instead (PostgresStore.list,
-- PostgresSQL.listJobs). A drain writes 4 % less WAL and the state index grows a quarter less (BENCHMARKS.md).
--
-- The new index is built before the old one is dropped, inside the migration's transaction: the build blocks
-- writes to taskq_jobs (it sorts every job that is not running) but not reads; the drop's exclusive lock comes last
-- and is held only until the commit. Stop workers or expect their writes to wait, as for any migration. A worker or
-- `taskq serve` started before the migration lists running jobs the old way, without an index, until restarted.
--
-- A query that should use this index repeats its term, `state <> 'running'`: PostgreSQL uses a partial index only
-- when it can prove the query's WHERE clause implies the index's, and a parameter ($1) proves nothing in a generic
-- plan.
CREATE INDEX taskq_jobs_state_without_running ON taskq_jobs (state, id) WHERE state <> 'running';
DROP INDEX taskq_jobs_state;
ALTER INDEX taskq_jobs_state_without_running RENAME TO taskq_jobs_state;
