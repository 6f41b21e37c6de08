-- taskq schema v3 for SQLite: what operators see and control (taskq workers, taskq queue, taskq stats --watch).
-- Each worker records its lease length (a worker is lost once its last heartbeat is older than that) and the running
-- tallies it reports with its touches.
ALTER TABLE taskq_workers ADD COLUMN lease_ms  INTEGER NOT NULL DEFAULT 15000;
ALTER TABLE taskq_workers ADD COLUMN completed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE taskq_workers ADD COLUMN failed    INTEGER NOT NULL DEFAULT 0;

-- Queues an operator paused (or resumed): a claim skips every queue with paused = 1, in the same transaction.
CREATE TABLE taskq_queues (
    name       TEXT    PRIMARY KEY,
    paused     INTEGER NOT NULL DEFAULT 0,
    paused_at  INTEGER,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
