/// The PostgreSQL store's named queries. `$n` parameters only; batches travel as arrays through `unnest`.
enum PostgresSQL {
    static let jobColumns = JobColumns.selectList { "\($0)::text" }
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

    /// Adds rows of (queue, state, n) to this server process's counter rows (migration 0007's slots), in a stable
    /// order. taskq's inserts count themselves with it; the count trigger skips their sessions (migration 0011).
    static func countJobs(from rows: String) -> String {
        """
        INSERT INTO taskq_job_counts AS c (slot, queue, state, n)
            SELECT pg_backend_pid(), queue, state, sum(n) FROM \(rows) GROUP BY queue, state ORDER BY queue, state
            ON CONFLICT (slot, queue, state) DO UPDATE SET n = c.n + excluded.n
        """
    }

    /// The insert, its counts and a NOTIFY per queue that got ready work, in one statement (one round trip, one
    /// commit). A duplicate of a live unique key inserts no row, so it is neither counted nor returned.
    static let insertJobsAndNotify = """
        WITH inserted AS (\(insertJobs)),
        counted AS (\(countJobs(from: "(SELECT queue, state, 1 AS n FROM inserted) AS t")))
        SELECT id, unique_key, CASE WHEN state = 'pending' THEN pg_notify($14, queue) END FROM inserted
        """

    /// Batches of at least this many jobs without unique keys go in with COPY (`copyJobs`): five round trips
    /// instead of one, but a fifth less server time per job than `insertJobs`.
    static let copyMinimum = 128

    /// Ids for a COPY batch, drawn ahead (ascending: one `nextval` per row, in order). $1 how many.
    static let nextJobIDs = "SELECT nextval('taskq_jobs_id_seq') FROM generate_series(1, $1::int)"

    /// The rows themselves travel in COPY's text format (`PostgresStore.copyRow`), not in the SQL.
    static let copyJobs = """
        COPY taskq_jobs (id, name, task, args, queue, priority, state, max_retries, backoff, retry_delay_ms, timeout_ms,
                         run_at, unique_key, created_at) FROM STDIN
        """

    static let liveByUniqueKeys = """
        SELECT id, unique_key FROM taskq_jobs WHERE unique_key = ANY($1::text[]) AND state IN \(live)
        """

    static let notifyQueues = "SELECT pg_notify($1, q) FROM unnest($2::text[]) AS q"

    /// After a COPY (which the count trigger skips in taskq's sessions): the batch's counts, `$2` queues, `$3`
    /// states and `$4` numbers worked out by the client, and a NOTIFY on channel `$1` for each of the queues `$5`.
    static let countCopiedAndNotify = """
        WITH counted AS (\(countJobs(from: "unnest($2::text[], $3::text[], $4::bigint[]) AS t(queue, state, n)")))
        SELECT pg_notify($1, q) FROM unnest($5::text[]) AS q
        """

    /// One statement per claim: lock due jobs in claim order, skipping rows other workers hold and paused queues,
    /// mark them running and open their attempts. `$1` queues, `$2` now, `$3` limit, `$4` worker, `$5` lease end, `$6` tasks,
    /// `$7` how many of them start now (the first in claim order get `started_at`; the rest were claimed ahead).
    /// Paused queues are dropped from the queue list once, before the scan (a one-time filter): checked per row (a
    /// correlated NOT EXISTS), the planner guessed that almost no row survives it, gave up on reading the claim order
    /// from an index and sorted every waiting job instead, once the table had statistics (120 ms a claim with
    /// 100,000 jobs waiting).
    /// Due jobs are read one priority at a time, highest first, each an index range of due times, and the outer
    /// LIMIT stops at the first levels that fill the batch (a nested loop over the levels keeps their order). One
    /// scan in (priority, run_at) order had to pass over every job of a higher priority not yet due: with 1,000,000
    /// jobs due tomorrow at priorities 0-10, 21-35 ms a claim against 0.3-0.6 ms.
    static func claim(singleQueue: Bool) -> String {
        // Only the several-queue claim states the priority range, so only it can use the any-queue index
        // (migration 0009): a one-queue claim always walks its queue's claim index.
        let queues = singleQueue
            ? "queue = ($1::text[])[1] AND NOT EXISTS (SELECT 1 FROM taskq_queues pq WHERE pq.name = ($1::text[])[1] AND pq.paused)"
            : "queue = ANY(ARRAY(SELECT q FROM unnest($1::text[]) AS q WHERE NOT EXISTS (SELECT 1 FROM taskq_queues pq WHERE pq.name = q AND pq.paused)))"
                + " AND priority BETWEEN \(Priority.range.lowerBound) AND \(Priority.range.upperBound)"
        return """
        WITH picked AS (
            SELECT due.id FROM generate_series(\(Priority.range.upperBound), \(Priority.range.lowerBound), -1) AS level(priority)
            CROSS JOIN LATERAL (
                SELECT id FROM taskq_jobs
                WHERE state IN ('pending', 'scheduled', 'retrying') AND \(queues)
                  AND priority = level.priority AND run_at <= $2 AND task = ANY($6::text[])
                ORDER BY run_at, id
                LIMIT $3
                FOR UPDATE SKIP LOCKED
            ) AS due
            LIMIT $3
        ), claimed AS (
            -- No join: the picked ids as one array, each row found by its primary key. Joined to `picked`, a table
            -- whose statistics were taken just after a purge (nearly empty) was read whole for every claim.
            -- `picked` comes out in claim order (the levels' nested loop, as the LIMIT above relies on), so its first
            -- $7 rows are the jobs that start now.
            UPDATE taskq_jobs j SET state = 'running', attempt = j.attempt + 1, worker = $4, lease_until = $5, finished_at = NULL,
                started_at = CASE WHEN j.id = ANY(ARRAY(SELECT id FROM picked LIMIT $7)) THEN $2 END
            WHERE j.id = ANY(ARRAY(SELECT id FROM picked))
            RETURNING j.*
        ), opened AS (
            INSERT INTO taskq_attempts (job_id, attempt, started_at, worker, outcome)
            SELECT id, attempt, $2, $4, 'running' FROM claimed
        )
        SELECT \(jobColumns) FROM claimed ORDER BY priority DESC, run_at, id
        """
    }

    /// The earliest due time of each queue's waiting jobs: per queue and priority one seek of the claim index
    /// (queue, priority DESC, run_at, id). `$1` queues, `$2` now, `$3` lowest priority, `$4` highest.
    static let oldestWaiting = """
        SELECT q, min(first.run_at)::text FROM unnest($1::text[]) AS q
        CROSS JOIN generate_series($3::int, $4::int) AS p
        CROSS JOIN LATERAL (
            SELECT run_at FROM taskq_jobs
            WHERE queue = q AND priority = p AND state IN ('pending', 'scheduled', 'retrying') AND run_at <= $2
            ORDER BY run_at LIMIT 1
        ) AS first
        GROUP BY q
        """

    /// One statement per batch of engine-decided transitions, each guarded by "still running under the same
    /// worker and attempt", by "no cancellation requested" when it yields to one, and for a rescue by lease expiry.
    /// Returns (id, true) for each applied transition and (id, false) for each that met a requested cancellation.
    static let finish = """
        WITH input AS (
            SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[],
                                 $8::bigint[], $9::int[], $10::bool[], $11::bigint[], $12::text[], $13::text[], $14::bigint[],
                                 $15::bigint[])
                AS t(id, attempt, worker, state, error, result, run_at, finished_at, refund, yields, expired_before,
                     outcome, attempt_error, ended_at, started)
        ), locked AS (
            -- Lock the rows still held as reported, in id order, each found by its primary key alone. The state test
            -- stays outside the locking subquery (OFFSET 0 keeps it from being pushed in): inside, it let the planner
            -- walk the partial lease index (WHERE state = 'running'), which holds every running job, once per outcome.
            -- Under READ COMMITTED the lock returns each row's newest version, so a cancel that committed meanwhile
            -- is seen by both branches below.
            SELECT i.*, j.cancel_requested FROM (SELECT * FROM input ORDER BY id) AS i
            CROSS JOIN LATERAL (
                SELECT held.cancel_requested, held.state FROM taskq_jobs held
                WHERE held.id = i.id AND held.worker = i.worker AND held.attempt = i.attempt
                  AND (i.expired_before IS NULL OR held.lease_until < i.expired_before)
                OFFSET 0
                FOR UPDATE
            ) AS j
            WHERE j.state = 'running'
        ), updated AS (
            -- `= ANY(ARRAY[…])` is an index condition but neither hash- nor merge-joinable: the only plan left is a
            -- primary-key lookup per outcome. A plain `j.id = l.id`, with statistics taken just after a purge, had
            -- the planner hash (or rescan per outcome) a scan of the whole table: 0.5-3 s a batch.
            UPDATE taskq_jobs j SET state = l.state, error = l.error, result = COALESCE(l.result::jsonb, j.result),
                run_at = COALESCE(l.run_at, j.run_at), finished_at = l.finished_at,
                attempt_offset = j.attempt_offset + l.refund, lease_until = NULL, started_at = COALESCE(l.started, j.started_at)
            FROM locked l
            WHERE j.id = ANY(ARRAY[l.id]) AND NOT (l.yields AND l.cancel_requested)
            RETURNING j.id, l.attempt, l.outcome, l.attempt_error, l.ended_at, l.started
        ), closed AS (
            UPDATE taskq_attempts a SET finished_at = u.ended_at, outcome = u.outcome, error = u.attempt_error,
                started_at = COALESCE(u.started, a.started_at)
            FROM updated u WHERE a.job_id = ANY(ARRAY[u.id]) AND a.attempt = u.attempt
        )
        SELECT id, true FROM updated
        UNION ALL
        SELECT id, false FROM locked WHERE yields AND cancel_requested
        """

    /// The 15 parameter arrays of `finish`, one element per outcome.
    static func finishParameters(_ outcomes: [JobOutcome], now: Millis) -> [String?] {
        let t = outcomes.map { $0.transition(now: now) }
        return [
            PGArray.ints(outcomes.map { $0.jobID }), PGArray.ints(outcomes.map { $0.attempt }), PGArray.text(outcomes.map { $0.worker }),
            PGArray.text(t.map { $0.state.rawValue }), PGArray.text(t.map { $0.error }), PGArray.text(t.map { $0.result?.serialized() }),
            PGArray.ints(t.map { $0.runAt }), PGArray.ints(t.map { $0.finishedAt }), PGArray.ints(t.map { $0.refundsAttempt ? 1 : 0 }),
            PGArray.bools(t.map { $0.yieldsToCancel }), PGArray.ints(outcomes.map { $0.leaseExpiredBefore }),
            PGArray.text(t.map { $0.attemptOutcome.rawValue }), PGArray.text(t.map { $0.attemptError }), PGArray.ints(t.map { $0.attemptEndedAt }),
            PGArray.ints(t.map { $0.startedAt }),
        ]
    }

    static let heartbeat = """
        WITH ids AS (SELECT unnest($1::bigint[]) AS id),
        extended AS (
            UPDATE taskq_jobs j SET lease_until = $3,
                started_at = CASE WHEN j.started_at IS NULL AND j.id = ANY($5::bigint[]) THEN $4 ELSE j.started_at END
            WHERE j.id = ANY($1::bigint[]) AND j.state = 'running' AND j.worker = $2
            RETURNING j.id, j.cancel_requested
        ), seen AS (
            UPDATE taskq_workers SET last_seen = $4 WHERE id = $2
        )
        SELECT ids.id, extended.id IS NOT NULL, COALESCE(extended.cancel_requested, false)
        FROM ids LEFT JOIN extended ON extended.id = ids.id
        """

    /// A page of jobs, newest first, in the filter's states (none: any state), queue, task and id bound; one
    /// statement, so one snapshot.
    /// - A state other than running is walked backwards through the state index (state, id) from its newest job.
    ///   PostgreSQL would rather walk the primary key backwards and skip rows of other states (it assumes they are
    ///   spread evenly), which first crosses every newer job, e.g. a backlog of pending jobs before the newest
    ///   completed one. Written as a range with `ORDER BY state DESC, id DESC`, only that index gives the order (an
    ///   equality would let the planner drop `state` from it); the literal `state <> 'running'` is the index's own
    ///   term (migration 0010), without which a generic plan could not use it.
    /// - Running jobs are not in that index: they are read through the lease index (WHERE state = 'running'), which
    ///   holds only them (the workers' slots and backlogs), and ordered by id afterwards. Asked for their newest
    ///   first directly, the planner would rather walk the primary key backwards past every newer job.
    /// - Several states: the ids of each part, merged and ordered by id.
    static func listJobs(_ filter: JobFilter) -> (sql: String, params: [String?]) {
        var params: [String?] = []
        func add(_ value: String) -> String { params.append(value); return "$\(params.count)" }
        var rest = ""
        if let queue = filter.queue { rest += " AND queue = \(add(queue))" }
        if let task = filter.task { rest += " AND task = \(add(task))" }
        if let before = filter.beforeID { rest += " AND id < \(add(String(before)))::bigint" }
        let limit = add(String(max(0, filter.limit))) + "::bigint"
        func walk(_ state: JobState, _ columns: String) -> String {
            let p = add(state.rawValue)
            return "SELECT \(columns) FROM taskq_jobs WHERE state >= \(p) AND state <= \(p) AND state <> 'running'\(rest) "
                + "ORDER BY state DESC, id DESC LIMIT \(limit)"
        }
        let running = "SELECT id FROM taskq_jobs WHERE state = 'running'\(rest)"
        func page(ids: String) -> String {
            "SELECT \(jobColumns) FROM taskq_jobs WHERE id = ANY(ARRAY(\(ids))) ORDER BY id DESC LIMIT \(limit)"
        }
        let states = filter.states.uniqued()
        let sql: String
        switch states.count {
        case 0: sql = "SELECT \(jobColumns) FROM taskq_jobs WHERE true\(rest) ORDER BY id DESC LIMIT \(limit)"
        case 1: sql = states[0] == .running ? page(ids: running) : walk(states[0], jobColumns)
        default:
            let parts = states.map { $0 == .running ? "(\(running))" : "(\(walk($0, "id")))" }
            sql = page(ids: parts.joined(separator: " UNION ALL "))
        }
        return (sql, params)
    }

    /// Deletes finished jobs in the states $1 that finished before $2, at most $3 of them, skipping rows another
    /// purge holds. The picked ids go to the delete as one array, so each row is found by its primary key: written
    /// as `id IN (subquery)`, the plan a prepared statement settles on hashed the batch and walked the whole primary
    /// key for every batch (200,000 index entries for 1,000 rows). Finished jobs are never running: the literal term
    /// lets a generic plan weigh the state index (migration 0010) against the finish-time index, as a custom plan
    /// can.
    static let purgeBatch = """
        DELETE FROM taskq_jobs WHERE id = ANY(ARRAY(
            SELECT id FROM taskq_jobs WHERE state = ANY($1::text[]) AND state <> 'running' AND finished_at < $2
            LIMIT $3 FOR UPDATE SKIP LOCKED))
        """

    /// How many jobs `purgeBatch` would delete, per state (`purge --dry-run`).
    static let purgeableCounts = """
        SELECT state, count(*) FROM taskq_jobs WHERE state = ANY($1::text[]) AND finished_at < $2 GROUP BY state
        """

    static let expiredLeases = """
        SELECT \(jobColumns) FROM taskq_jobs WHERE state = 'running' AND lease_until < $1 ORDER BY lease_until LIMIT $2
        """

    static let cancel = """
        WITH target AS (SELECT id, state FROM taskq_jobs WHERE id = $1 FOR UPDATE),
        done AS (
            UPDATE taskq_jobs j SET
                state = CASE WHEN t.state = 'running' THEN 'running' ELSE 'cancelled' END,
                cancel_requested = (t.state = 'running'),
                finished_at = CASE WHEN t.state = 'running' THEN j.finished_at ELSE $2 END,
                error = CASE WHEN t.state = 'running' THEN j.error ELSE $3 END,
                lease_until = CASE WHEN t.state = 'running' THEN j.lease_until END
            FROM target t WHERE j.id = t.id AND t.state IN ('scheduled', 'pending', 'retrying', 'running')
            RETURNING j.id
        )
        SELECT state FROM target
        """

    static let retryFinished = """
        UPDATE taskq_jobs SET state = 'pending', run_at = $1, attempt_offset = attempt, finished_at = NULL,
            cancel_requested = false, lease_until = NULL, started_at = NULL, worker = NULL, error = NULL, result = NULL
        WHERE id = $2 AND state IN ('failed', 'cancelled', 'completed')
        RETURNING queue
        """

    /// A scheduled or retrying job runs now, its retry budget unchanged; the last attempt's result, error and times
    /// are cleared as for a finished job (the attempts keep them).
    static let retryWaiting = """
        UPDATE taskq_jobs SET state = 'pending', run_at = $1, finished_at = NULL, started_at = NULL, worker = NULL,
            error = NULL, result = NULL
        WHERE id = $2 AND state IN ('scheduled', 'retrying')
        RETURNING queue
        """

    /// Jobs per queue and state from the counter rows kept by the triggers of migration 0007: (queue, state, sum
    /// over slots, counter rows). Pairs whose sum is 0 are dropped by the caller.
    static let counts = """
        SELECT queue, state, sum(n)::bigint, count(*) FROM taskq_job_counts GROUP BY queue, state ORDER BY queue, state
        """

    static func decodeJob(_ r: PostgresResult, _ row: Int) -> Job { JobColumns.decode(Row(result: r, row: row)) }

    /// One row of a result as an `SQLRow`.
    struct Row: SQLRow {
        let result: PostgresResult
        let row: Int
        func int(_ column: Int) -> Int64 { result.int(row, column) }
        func optionalInt(_ column: Int) -> Int64? { result.optionalInt(row, column) }
        func text(_ column: Int) -> String { result.string(row, column) }
        func optionalText(_ column: Int) -> String? { result.optionalString(row, column) }
        func bool(_ column: Int) -> Bool { result.bool(row, column) }
    }
}
