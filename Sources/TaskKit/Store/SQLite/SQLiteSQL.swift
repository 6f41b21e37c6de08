import CSQLite

/// The SQLite store's named queries. `?` parameters only: values are never spliced into SQL.
enum SQLiteSQL {
    static let jobColumns = JobColumns.selectList()

    /// The waiting states, written exactly as the claim index's WHERE clause (migration 0008): SQLite uses a partial
    /// index only for a query that repeats its terms, and an OR chain costs far less per row than an `IN (…)` list.
    static let waiting = "(state = 'pending' OR state = 'scheduled' OR state = 'retrying')"

    /// The live states, written exactly as the unique-key index's WHERE clause (migration 0008).
    static let live = "(state = 'scheduled' OR state = 'pending' OR state = 'running' OR state = 'retrying')"

    static let findLiveUnique = """
        SELECT id FROM taskq_jobs
        WHERE unique_key = ? AND \(live) LIMIT 1
        """

    /// Parameters per row of `insertJobs`: name, task, args, queue, priority, state, max_retries, backoff,
    /// retry_delay_ms, timeout_ms, run_at, unique_key, created_at.
    static let insertColumns: Int32 = 13

    /// Most rows in one `insertJobs` statement (a power of two: a batch is cut into 128, 64, …, 1 rows, so a
    /// connection caches at most eight of these statements).
    static let insertRowsMax = 128

    /// `rows` jobs in one INSERT (a multi-row VALUES list, `insertColumns` parameters per row). SQLite evaluates the
    /// `IN (…)` lists of the table's CHECK constraints and partial indexes through a temporary b-tree built once per
    /// run of a statement: a statement per job paid for that with every job (about half of an insert's cost; the
    /// lists are OR chains since migration 0008).
    static func insertJobs(rows: Int) -> String {
        insertJobsByRows.withLock { cache in
            if let sql = cache[rows] { return sql }
            let row = "(" + Array(repeating: "?", count: Int(insertColumns)).joined(separator: ",") + ")"
            let sql = """
                INSERT INTO taskq_jobs (name, task, args, queue, priority, state, max_retries, backoff, retry_delay_ms,
                                        timeout_ms, run_at, unique_key, created_at)
                VALUES \(Array(repeating: row, count: rows).joined(separator: ","))
                """
            cache[rows] = sql
            return sql
        }
    }

    private static let insertJobsByRows = Locked<[Int: String]>([:])

    /// Served by the partial index taskq_jobs_claim (queue, priority DESC, run_at, id); the task list is spliced
    /// in as `?` placeholders, one per task. The state is for the job counts.
    /// Due jobs of one queue at one priority, in claim order: one range of the claim index. A claim reads the levels
    /// from the highest down until it has enough; one scan in (priority, run_at) order passed over every job of a
    /// higher priority not yet due (with 1,000,000 jobs due tomorrow, ~190 ms a claim). ?1 queue, ?2 priority,
    /// ?3 now, then the tasks, then the limit.
    static func claimCandidates(taskCount: Int) -> String {
        """
        SELECT id, priority, run_at, state FROM taskq_jobs
        WHERE queue = ? AND priority = ? AND \(waiting) AND run_at <= ?
          AND task IN (\(Array(repeating: "?", count: taskCount).joined(separator: ", ")))
        ORDER BY run_at, id LIMIT ?
        """
    }

    /// Queues a claim must skip, read inside the claim's own transaction.
    static let pausedQueues = "SELECT name FROM taskq_queues WHERE paused = 1"

    /// The earliest due time of a queue's waiting jobs at one priority: one seek of the claim index
    /// (queue, priority DESC, run_at, id). ?1 queue, ?2 priority, ?3 now.
    static let oldestDueAtPriority = """
        SELECT run_at FROM taskq_jobs
        WHERE queue = ?1 AND priority = ?2 AND \(waiting) AND run_at <= ?3
        ORDER BY run_at LIMIT 1
        """

    /// Marks a claim's jobs running, all in one statement (a statement with RETURNING buffers its rows in a
    /// temporary b-tree: one per batch, not one per job). ?1 worker, ?2 now, ?3 lease end, ?4 the ids as a JSON array,
    /// ?5 those that start now (they get started_at; the rest were claimed ahead), likewise.
    static let markRunning = """
        UPDATE taskq_jobs SET state = 'running', attempt = attempt + 1, worker = ?1, lease_until = ?3, finished_at = NULL,
            started_at = CASE WHEN id IN (SELECT value FROM json_each(?5)) THEN ?2 END
        WHERE id IN (SELECT value FROM json_each(?4)) AND \(waiting)
        RETURNING \(jobColumns)
        """

    /// Opens the attempts of the jobs `markRunning` just claimed. ?1 now, ?2 worker, ?3 the ids as a JSON array.
    static let openAttempts = """
        INSERT INTO taskq_attempts (job_id, attempt, started_at, worker, outcome)
        SELECT id, attempt, ?1, ?2, 'running' FROM taskq_jobs
        WHERE id IN (SELECT value FROM json_each(?3)) AND state = 'running' AND worker = ?2 AND (started_at = ?1 OR started_at IS NULL)
        """

    /// Records the start of running jobs claimed ahead (no `started_at` yet). ?1 now, ?2 the ids as a JSON array,
    /// ?3 worker.
    static let confirmStarts = """
        UPDATE taskq_jobs SET started_at = ?1
        WHERE id IN (SELECT value FROM json_each(?2)) AND state = 'running' AND worker = ?3 AND started_at IS NULL
        """

    /// ?1 finished_at, ?2 outcome, ?3 error, ?4 job id, ?5 attempt, ?6 started_at (NULL keeps the claim time).
    static let closeAttempt = """
        UPDATE taskq_attempts SET finished_at = ?1, outcome = ?2, error = ?3, started_at = COALESCE(?6, started_at)
        WHERE job_id = ?4 AND attempt = ?5
        """

    /// Writes an engine-decided `JobTransition`, only while the job is still running under the same worker and
    /// attempt, not yielding to a requested cancellation, and (for a rescue) with its lease expired.
    /// ?1 state, ?2 error, ?3 result (NULL keeps), ?4 run_at (NULL keeps), ?5 finished_at, ?6 refund (0|1),
    /// ?7 id, ?8 worker, ?9 attempt, ?10 yields to cancel (0|1), ?11 lease expired before (NULL: no guard),
    /// ?12 started_at (NULL keeps the claim time).
    static let applyTransition = """
        UPDATE taskq_jobs SET state = ?1, error = ?2, result = COALESCE(?3, result), run_at = COALESCE(?4, run_at),
            finished_at = ?5, attempt_offset = attempt_offset + ?6, lease_until = NULL,
            started_at = COALESCE(?12, started_at)
        WHERE id = ?7 AND state = 'running' AND worker = ?8 AND attempt = ?9
          AND NOT (?10 = 1 AND cancel_requested = 1) AND (?11 IS NULL OR lease_until < ?11)
        """

    /// Whether a transition that was not applied met a requested cancellation (same guard otherwise).
    static let heldWithCancelRequested = """
        SELECT 1 FROM taskq_jobs
        WHERE id = ?1 AND state = 'running' AND worker = ?2 AND attempt = ?3 AND cancel_requested = 1
          AND (?4 IS NULL OR lease_until < ?4)
        """

    /// Renews the leases of the given jobs still held by the worker, in one statement; returns each renewed job
    /// with its cancellation flag. ?1 lease end, ?2 the ids as a JSON array, ?3 worker.
    static let extendLeases = """
        UPDATE taskq_jobs SET lease_until = ?1
        WHERE id IN (SELECT value FROM json_each(?2)) AND state = 'running' AND worker = ?3
        RETURNING id, cancel_requested
        """

    static let expiredLeases = """
        SELECT \(jobColumns) FROM taskq_jobs WHERE state = 'running' AND lease_until < ? ORDER BY lease_until LIMIT ?
        """

    static let cancelNow = """
        UPDATE taskq_jobs SET state = 'cancelled', finished_at = ?, error = ?, lease_until = NULL
        WHERE id = ?
        """

    /// A manual retry starts a fresh retry budget from the attempts made so far; the last attempt's fields go
    /// (the attempts table keeps them).
    static let retryFinished = """
        UPDATE taskq_jobs SET state = 'pending', run_at = ?, attempt_offset = attempt, finished_at = NULL,
            cancel_requested = 0, lease_until = NULL, started_at = NULL, worker = NULL, error = NULL, result = NULL
        WHERE id = ?
        """

    /// A scheduled or retrying job runs now, its retry budget unchanged; the last attempt's result, error and times
    /// are cleared as for a finished job (the attempts keep them).
    static let retryWaiting = """
        UPDATE taskq_jobs SET state = 'pending', run_at = ?, finished_at = NULL, started_at = NULL, worker = NULL,
            error = NULL, result = NULL
        WHERE id = ?
        """

    /// A page of jobs, newest first, in `states` (none: any state) and the filter's queue, task and id bound. Running
    /// jobs alone are read through the lease index (the state index leaves them out, migration 0009; on its own the
    /// planner would rather walk the whole table in id order than sort the few running jobs); other states through
    /// the state index, whose term the query repeats. `states` holds running alone or no running job.
    static func listJobs(states: [JobState], filter: JobFilter) -> (sql: String, params: [SQLiteValue]) {
        precondition(!states.contains(.running) || states.allSatisfy { $0 == .running }, "running jobs are listed apart")
        var sql = "SELECT \(jobColumns) FROM taskq_jobs"
        var params: [SQLiteValue] = []
        if states.contains(.running) {
            sql += " INDEXED BY taskq_jobs_lease WHERE state = 'running'"
        } else if !states.isEmpty {
            sql += " WHERE state IN (\(states.map { _ in "?" }.joined(separator: ", "))) AND state <> 'running'"
            params += states.map { .text($0.rawValue) }
        } else {
            sql += " WHERE 1 = 1"
        }
        if let queue = filter.queue { sql += " AND queue = ?"; params.append(.text(queue)) }
        if let task = filter.task { sql += " AND task = ?"; params.append(.text(task)) }
        if let before = filter.beforeID { sql += " AND id < ?"; params.append(.int(before)) }
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(.int(Int64(max(0, filter.limit))))
        return (sql, params)
    }

    /// Deletes finished jobs in `states` states (bound first) that finished before ?, at most ? of them, through the
    /// finish-time index (oldest first, it stops at the cutoff); returns each one's queue and state for the counts.
    static func purgeBatch(states: Int) -> String {
        """
        DELETE FROM taskq_jobs WHERE id IN (SELECT id FROM taskq_jobs
        WHERE state IN (\(Array(repeating: "?", count: states).joined(separator: ", "))) AND finished_at < ? LIMIT ?)
        RETURNING queue, state
        """
    }

    /// Ids as a JSON array, for `json_each`.
    static func idList<S: Sequence>(_ ids: S) -> String where S.Element == Int64 {
        "[" + ids.map { String($0) }.joined(separator: ",") + "]"
    }

    /// Decodes a row selected with `jobColumns`.
    static func decodeJob(_ row: SQLiteStatement) throws -> Job { JobColumns.decode(Row(statement: row)) }

    /// A row copied out of a statement, to decode after the transaction (the write lock is held no longer than
    /// the statements need).
    struct CopiedRow: SQLRow {
        let values: [SQLiteValue]
        init(_ statement: SQLiteStatement, columns: Int) {
            values = (0..<Int32(columns)).map { column in
                if statement.isNull(column) { return .null }
                return sqlite3_column_type(statement.raw, column) == SQLITE_INTEGER ? .int(statement.int(column)) : .text(statement.text(column))
            }
        }
        func int(_ column: Int) -> Int64 {
            switch values[column] {
            case let .int(v): return v
            case let .text(t): return Int64(t) ?? 0
            default: return 0
            }
        }
        func optionalInt(_ column: Int) -> Int64? { if case .null = values[column] { return nil }; return int(column) }
        func text(_ column: Int) -> String {
            switch values[column] {
            case let .text(t): return t
            case let .int(v): return String(v)
            default: return ""
            }
        }
        func optionalText(_ column: Int) -> String? { if case .null = values[column] { return nil }; return text(column) }
        func bool(_ column: Int) -> Bool { int(column) != 0 }
    }

    /// A statement's current row as an `SQLRow`.
    struct Row: SQLRow {
        let statement: SQLiteStatement
        func int(_ column: Int) -> Int64 { statement.int(Int32(column)) }
        func optionalInt(_ column: Int) -> Int64? { statement.optionalInt(Int32(column)) }
        func text(_ column: Int) -> String { statement.text(Int32(column)) }
        func optionalText(_ column: Int) -> String? { statement.optionalText(Int32(column)) }
        func bool(_ column: Int) -> Bool { statement.int(Int32(column)) != 0 }
    }
}
