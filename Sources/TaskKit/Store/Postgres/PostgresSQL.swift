/// The PostgreSQL store's named queries. `$n` parameters only; batches travel as arrays through `unnest`.
enum PostgresSQL {
    static let jobColumns = """
        id, name, task, args::text, queue, priority, state, attempt, attempt_offset, max_retries, backoff, retry_delay_ms, \
        timeout_ms, run_at, unique_key, result::text, error, created_at, started_at, finished_at, worker, lease_until, cancel_requested
        """
    static let live = "('scheduled', 'pending', 'running', 'retrying')"

    /// One statement per batch; a live job with the same unique key makes the row a no-op (its id is looked up).
    static let insertJobs = """
        INSERT INTO taskq_jobs (name, task, args, queue, priority, state, max_retries, backoff, retry_delay_ms,
                                timeout_ms, run_at, unique_key, created_at)
        SELECT name, task, args::jsonb, queue, priority, state, max_retries, backoff, retry_delay_ms, timeout_ms, run_at,
               unique_key, $13
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::text[], $7::int[], $8::text[],
                    $9::bigint[], $10::bigint[], $11::bigint[], $12::text[]) WITH ORDINALITY
             AS t(name, task, args, queue, priority, state, max_retries, backoff, retry_delay_ms, timeout_ms, run_at, unique_key, ord)
        ORDER BY ord
        ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN \(live) DO NOTHING
        RETURNING id, unique_key, queue, state
        """

    /// The insert plus a NOTIFY per queue that got ready work, in one statement (one round trip, one commit).
    static let insertJobsAndNotify = """
        WITH inserted AS (\(insertJobs))
        SELECT id, unique_key, CASE WHEN state = 'pending' THEN pg_notify($14, queue) END FROM inserted
        """

    static let liveByUniqueKeys = """
        SELECT id, unique_key FROM taskq_jobs WHERE unique_key = ANY($1::text[]) AND state IN \(live)
        """

    static let notifyQueues = "SELECT pg_notify($1, q) FROM unnest($2::text[]) AS q"

    /// One statement per claim: lock due jobs in claim order, skipping rows other workers hold, mark them running
    /// and open their attempts. `$1` queues, `$2` now, `$3` limit, `$4` worker, `$5` lease end.
    static func claim(singleQueue: Bool) -> String {
        """
        WITH picked AS (
            SELECT id FROM taskq_jobs
            WHERE state IN ('pending', 'scheduled', 'retrying') AND \(singleQueue ? "queue = ($1::text[])[1]" : "queue = ANY($1::text[])")
              AND run_at <= $2
            ORDER BY priority DESC, run_at, id
            LIMIT $3
            FOR UPDATE SKIP LOCKED
        ), claimed AS (
            UPDATE taskq_jobs j SET state = 'running', attempt = j.attempt + 1, worker = $4, started_at = $2,
                lease_until = $5, finished_at = NULL
            FROM picked WHERE j.id = picked.id
            RETURNING j.*
        ), opened AS (
            INSERT INTO taskq_attempts (job_id, attempt, started_at, worker, outcome)
            SELECT id, attempt, $2, $4, 'running' FROM claimed
        )
        SELECT \(jobColumns) FROM claimed ORDER BY priority DESC, run_at, id
        """
    }

    /// One statement per batch of outcomes, each guarded by "still running under the same worker and attempt".
    /// Kinds: completed, retry, failed, cancelled, released. A completion never overwrites a requested cancellation.
    static let finish = """
        WITH input AS (
            SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[],
                                 $9::bigint[])
                AS t(id, attempt, worker, kind, result, error, run_at, outcome, finished_at)
        ), updated AS (
            UPDATE taskq_jobs j SET
                state = CASE WHEN j.cancel_requested THEN 'cancelled'
                             WHEN i.kind = 'completed' THEN 'completed'
                             WHEN i.kind = 'retry' THEN 'retrying'
                             WHEN i.kind = 'failed' THEN 'failed'
                             WHEN i.kind = 'cancelled' THEN 'cancelled'
                             ELSE 'pending' END,
                result = CASE WHEN i.kind = 'completed' THEN i.result::jsonb ELSE j.result END,
                error = CASE WHEN i.kind = 'completed' AND j.cancel_requested THEN 'cancelled while running'
                             WHEN i.kind = 'completed' THEN NULL
                             WHEN i.kind = 'released' THEN j.error
                             ELSE i.error END,
                run_at = CASE WHEN i.kind = 'retry' THEN i.run_at WHEN i.kind = 'released' THEN i.finished_at ELSE j.run_at END,
                attempt_offset = CASE WHEN i.kind = 'released' THEN j.attempt_offset + 1 ELSE j.attempt_offset END,
                finished_at = CASE WHEN j.cancel_requested OR i.kind IN ('completed', 'failed', 'cancelled') THEN i.finished_at END,
                lease_until = NULL
            FROM input i
            WHERE j.id = i.id AND j.state = 'running' AND j.worker = i.worker AND j.attempt = i.attempt
            RETURNING j.id, i.attempt, i.outcome, i.error, i.finished_at
        ), closed AS (
            UPDATE taskq_attempts a SET finished_at = u.finished_at, outcome = u.outcome, error = u.error
            FROM updated u WHERE a.job_id = u.id AND a.attempt = u.attempt
        )
        SELECT id FROM updated
        """

    static let heartbeat = """
        WITH ids AS (SELECT unnest($1::bigint[]) AS id),
        extended AS (
            UPDATE taskq_jobs j SET lease_until = $3 FROM ids
            WHERE j.id = ids.id AND j.state = 'running' AND j.worker = $2
            RETURNING j.id, j.cancel_requested
        ), seen AS (
            UPDATE taskq_workers SET last_seen = $4 WHERE id = $2
        )
        SELECT ids.id, extended.id IS NOT NULL, COALESCE(extended.cancel_requested, false)
        FROM ids LEFT JOIN extended ON extended.id = ids.id
        """

    static let rescue = """
        WITH expired AS (
            SELECT id FROM taskq_jobs WHERE state = 'running' AND lease_until < $1
            ORDER BY lease_until LIMIT $2 FOR UPDATE SKIP LOCKED
        ), rescued AS (
            UPDATE taskq_jobs j SET
                state = CASE WHEN j.cancel_requested THEN 'cancelled'
                             WHEN j.attempt - j.attempt_offset > j.max_retries THEN 'failed'
                             ELSE 'retrying' END,
                run_at = $1,
                error = 'lease expired: worker ' || COALESCE(j.worker, '?') || ' stopped renewing it (killed or lost)',
                finished_at = CASE WHEN j.cancel_requested OR j.attempt - j.attempt_offset > j.max_retries THEN $1 END,
                lease_until = NULL
            FROM expired WHERE j.id = expired.id
            RETURNING j.id, j.worker, j.state, j.attempt, j.error, j.queue
        ), closed AS (
            UPDATE taskq_attempts a SET finished_at = $1, outcome = 'lost', error = r.error
            FROM rescued r WHERE a.job_id = r.id AND a.attempt = r.attempt
        )
        SELECT id, worker, state, queue FROM rescued
        """

    static let cancel = """
        WITH target AS (SELECT id, state FROM taskq_jobs WHERE id = $1 FOR UPDATE),
        done AS (
            UPDATE taskq_jobs j SET
                state = CASE WHEN t.state = 'running' THEN 'running' ELSE 'cancelled' END,
                cancel_requested = (t.state = 'running'),
                finished_at = CASE WHEN t.state = 'running' THEN j.finished_at ELSE $2 END,
                error = CASE WHEN t.state = 'running' THEN j.error ELSE 'cancelled before it ran' END,
                lease_until = CASE WHEN t.state = 'running' THEN j.lease_until END
            FROM target t WHERE j.id = t.id AND t.state IN ('scheduled', 'pending', 'retrying', 'running')
            RETURNING j.id
        )
        SELECT state FROM target
        """

    static let retryFinished = """
        UPDATE taskq_jobs SET state = 'pending', run_at = $1, attempt_offset = attempt, finished_at = NULL,
            cancel_requested = false, lease_until = NULL
        WHERE id = $2 AND state IN ('failed', 'cancelled')
        RETURNING queue
        """

    static let retryWaiting = """
        UPDATE taskq_jobs SET state = 'pending', run_at = $1 WHERE id = $2 AND state IN ('scheduled', 'retrying')
        RETURNING queue
        """

    static func decodeJob(_ r: PostgresResult, _ row: Int) -> Job {
        let resultText = r.optionalString(row, 15)
        let argsText = r.string(row, 3)
        return Job(
            id: r.int(row, 0), name: r.string(row, 1), task: r.string(row, 2),
            args: (try? JSONValue.parse(argsText)) ?? .string(argsText),
            queue: r.string(row, 4), priority: Int(r.int(row, 5)),
            state: JobState(rawValue: r.string(row, 6)) ?? .failed,
            attempt: Int(r.int(row, 7)), attemptOffset: Int(r.int(row, 8)), maxRetries: Int(r.int(row, 9)),
            retryPolicy: RetryPolicy(backoff: Backoff(rawValue: r.string(row, 10)) ?? .exponential, baseDelayMillis: r.int(row, 11)),
            timeoutMillis: r.optionalInt(row, 12), runAt: r.int(row, 13), uniqueKey: r.optionalString(row, 14),
            result: resultText.map { (try? JSONValue.parse($0)) ?? .string($0) },
            error: r.optionalString(row, 16), createdAt: r.int(row, 17), startedAt: r.optionalInt(row, 18),
            finishedAt: r.optionalInt(row, 19), worker: r.optionalString(row, 20), leaseUntil: r.optionalInt(row, 21),
            cancelRequested: r.bool(row, 22))
    }
}
