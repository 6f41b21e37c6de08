-- taskq schema v3 for PostgreSQL: what operators see and control (taskq workers, taskq queue, taskq stats --watch).
-- Each worker records its lease length (a worker is lost once its last heartbeat is older than that) and the running
-- tallies it reports with its touches.
ALTER TABLE taskq_workers ADD COLUMN lease_ms  bigint  NOT NULL DEFAULT 15000;
ALTER TABLE taskq_workers ADD COLUMN completed bigint  NOT NULL DEFAULT 0;
ALTER TABLE taskq_workers ADD COLUMN failed    bigint  NOT NULL DEFAULT 0;

-- Queues an operator paused (or resumed): the claim statement skips every queue with paused = true.
CREATE TABLE taskq_queues (
    name       text    PRIMARY KEY,
    paused     boolean NOT NULL DEFAULT false,
    paused_at  bigint,
    updated_at bigint  NOT NULL
);
