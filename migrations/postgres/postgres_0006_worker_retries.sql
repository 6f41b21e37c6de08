-- taskq schema v6 for PostgreSQL: workers also report how many of their failed attempts were scheduled for a retry,
-- so /metrics can tell taskq_jobs_retried_total from taskq_jobs_failed_total.
ALTER TABLE taskq_workers ADD COLUMN retried bigint NOT NULL DEFAULT 0;
