-- The any-queue claim index (priority, run_at, id) serves workers that read several queues. A worker that reads one
-- queue must walk its queue's claim index (queue, priority, run_at, id) instead: walking the any-queue index, it
-- passes over every due job of the other queues at the same priority. With fresh statistics the planner knows that;
-- with statistics taken just after a purge (a nearly empty table that kept its pages) both indexes look equally
-- cheap, and it chose the any-queue one (20,000 jobs due in another queue: 5.9 ms a claim instead of 0.2 ms).
-- Narrowed to the valid priorities, the index can only serve a statement that says so: the several-queue claim adds
-- `priority BETWEEN 0 AND 10`, the one-queue claim does not, so the planner has no such choice left to get wrong
-- (docs/postgres.md, "Plans that do not depend on fresh statistics"). It holds only waiting jobs.
DROP INDEX taskq_jobs_claim_any_queue;
CREATE INDEX taskq_jobs_claim_any_queue ON taskq_jobs (priority DESC, run_at, id)
    WHERE state IN ('pending','scheduled','retrying') AND priority BETWEEN 0 AND 10;
