-- taskq schema v9 for SQLite: the state index leaves out running jobs (issue 12).
--
-- taskq_jobs_state (state, id) serves listings by state (`list-jobs --state`, the dashboard, the API) of any size:
-- a million completed or waiting jobs. Every attempt passes through `running`, so the index gained a (running, id)
-- entry at each claim and lost it at each outcome: two more b-tree changes per job, on pages of their own, in both
-- of a worker's write transactions. Running jobs are few (at most the workers' slots) and already have their own
-- index, taskq_jobs_lease (lease_until) WHERE state = 'running', which a listing of running jobs reads instead
-- (SQLiteStore.list, SQLiteSQL.listJobs). Measured with bench/schema_floor.py (this schema's own drain floor):
-- 94,000-95,000 jobs/s with running jobs in the index, 126,000-135,000 without (BENCHMARKS.md).
--
-- The index is rebuilt inside the migration's transaction, holding the write lock meanwhile (0.4 s for 300,000 jobs, so
-- about 1.3 s for a million); stop workers or expect their writes to wait, as for any migration.
--
-- Queries that should use this index repeat its term, `state <> 'running'`: SQLite uses a partial index only for a
-- query whose WHERE clause contains the index's terms.
DROP INDEX taskq_jobs_state;
CREATE INDEX taskq_jobs_state ON taskq_jobs (state, id) WHERE state <> 'running';
