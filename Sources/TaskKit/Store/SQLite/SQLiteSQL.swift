/// The SQLite store's named queries. `?` parameters only: values are never spliced into SQL.
enum SQLiteSQL {
    static let jobColumns = """
        id, name, task, args, queue, priority, state, attempt, attempt_offset, max_retries, backoff, retry_delay_ms, \
        timeout_ms, run_at, unique_key, result, error, created_at, started_at, finished_at, worker, lease_until, cancel_requested
        """

    static let findLiveUnique = """
        SELECT id FROM taskq_jobs
        WHERE unique_key = ? AND state IN ('scheduled', 'pending', 'running', 'retrying') LIMIT 1
        """

    static let insertJob = """
        INSERT INTO taskq_jobs (name, task, args, queue, priority, state, max_retries, backoff, retry_delay_ms,
                                timeout_ms, run_at, unique_key, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Served by the partial index taskq_jobs_claim (queue, priority DESC, run_at, id).
    static let claimCandidates = """
        SELECT id, priority, run_at FROM taskq_jobs
        WHERE queue = ? AND state IN ('pending', 'scheduled', 'retrying') AND run_at <= ?
        ORDER BY priority DESC, run_at, id LIMIT ?
        """

    static let markRunning = """
        UPDATE taskq_jobs SET state = 'running', attempt = attempt + 1, worker = ?, started_at = ?, lease_until = ?,
            finished_at = NULL
        WHERE id = ? AND state IN ('pending', 'scheduled', 'retrying')
        RETURNING \(jobColumns)
        """

    static let openAttempt = """
        INSERT INTO taskq_attempts (job_id, attempt, started_at, worker, outcome) VALUES (?, ?, ?, ?, 'running')
        """

    static let closeAttempt = """
        UPDATE taskq_attempts SET finished_at = ?, outcome = ?, error = ? WHERE job_id = ? AND attempt = ?
        """

    /// The guard every finish shares: still running under the same worker and attempt.
    private static let stillOwned = "WHERE id = ? AND state = 'running' AND worker = ? AND attempt = ?"

    /// A completion never overwrites a requested cancellation.
    static let finishCompleted = """
        UPDATE taskq_jobs SET
            state = CASE WHEN cancel_requested = 1 THEN 'cancelled' ELSE 'completed' END,
            result = ?, error = CASE WHEN cancel_requested = 1 THEN 'cancelled while running' ELSE NULL END,
            finished_at = ?, lease_until = NULL
        \(stillOwned)
        """

    static let finishRetry = """
        UPDATE taskq_jobs SET
            state = CASE WHEN cancel_requested = 1 THEN 'cancelled' ELSE 'retrying' END,
            error = ?, run_at = ?, lease_until = NULL,
            finished_at = CASE WHEN cancel_requested = 1 THEN ?3 ELSE NULL END
        \(stillOwned)
        """

    static let finishFailed = """
        UPDATE taskq_jobs SET
            state = CASE WHEN cancel_requested = 1 THEN 'cancelled' ELSE 'failed' END,
            error = ?, finished_at = ?, lease_until = NULL
        \(stillOwned)
        """

    static let finishCancelled = """
        UPDATE taskq_jobs SET state = 'cancelled', error = ?, finished_at = ?, lease_until = NULL
        \(stillOwned)
        """

    /// Released work is ready again at once and its attempt does not count against the retry budget.
    static let finishReleased = """
        UPDATE taskq_jobs SET
            state = CASE WHEN cancel_requested = 1 THEN 'cancelled' ELSE 'pending' END,
            run_at = ?1, attempt_offset = attempt_offset + 1, lease_until = NULL,
            finished_at = CASE WHEN cancel_requested = 1 THEN ?1 ELSE NULL END
        WHERE id = ?2 AND state = 'running' AND worker = ?3 AND attempt = ?4
        """

    static let extendLease = """
        UPDATE taskq_jobs SET lease_until = ? WHERE id = ? AND state = 'running' AND worker = ? RETURNING cancel_requested
        """

    static let expiredLeases = """
        SELECT id, worker, attempt, attempt_offset, max_retries, cancel_requested FROM taskq_jobs
        WHERE state = 'running' AND lease_until < ? ORDER BY lease_until LIMIT ?
        """

    static let rescueJob = """
        UPDATE taskq_jobs SET state = ?, run_at = ?, error = ?, finished_at = ?, lease_until = NULL WHERE id = ?
        """

    static let cancelNow = """
        UPDATE taskq_jobs SET state = 'cancelled', finished_at = ?, error = 'cancelled before it ran', lease_until = NULL
        WHERE id = ?
        """

    /// A manual retry starts a fresh retry budget from the attempts made so far.
    static let retryFinished = """
        UPDATE taskq_jobs SET state = 'pending', run_at = ?, attempt_offset = attempt, finished_at = NULL,
            cancel_requested = 0, lease_until = NULL
        WHERE id = ?
        """

    /// Decodes a row selected with `jobColumns`.
    static func decodeJob(_ row: SQLiteStatement) throws -> Job {
        let resultText = row.optionalText(15)
        return Job(
            id: row.int(0), name: row.text(1), task: row.text(2),
            args: (try? JSONValue.parse(row.text(3))) ?? .string(row.text(3)),
            queue: row.text(4), priority: Int(row.int(5)),
            state: JobState(rawValue: row.text(6)) ?? .failed,
            attempt: Int(row.int(7)), attemptOffset: Int(row.int(8)), maxRetries: Int(row.int(9)),
            retryPolicy: RetryPolicy(backoff: Backoff(rawValue: row.text(10)) ?? .exponential, baseDelayMillis: row.int(11)),
            timeoutMillis: row.optionalInt(12), runAt: row.int(13), uniqueKey: row.optionalText(14),
            result: resultText.map { (try? JSONValue.parse($0)) ?? .string($0) },
            error: row.optionalText(16), createdAt: row.int(17), startedAt: row.optionalInt(18),
            finishedAt: row.optionalInt(19), worker: row.optionalText(20), leaseUntil: row.optionalInt(21),
            cancelRequested: row.int(22) != 0)
    }
}
