import CLibPQ
import TaskqMigrations
#if canImport(Glibc)
import Glibc
#endif

/// The production store: PostgreSQL through libpq. Claims are one `FOR UPDATE SKIP LOCKED` statement per batch,
/// outcomes and heartbeats one statement per batch, enqueues one INSERT per batch; idle workers wake on
/// LISTEN/NOTIFY. Migrations run in a transaction under an advisory lock.
public final class PostgresStore: TaskqStore, @unchecked Sendable {
    public let backend = "postgres"
    let connection: PostgresConnection
    let target: PostgresTarget
    private let listener: PostgresListener

    private init(connection: PostgresConnection, target: PostgresTarget) {
        self.connection = connection
        self.target = target
        self.listener = PostgresListener(connection: connection)
    }

    public static func open(target: PostgresTarget) async throws -> PostgresStore {
        return PostgresStore(connection: try await PostgresConnection.connect(target), target: target)
    }

    public func close() async {
        await connection.close()
    }

    // MARK: Schema

    /// The SQL `migrate` applies, for teams that run schema changes with their own tools.
    public static func migrationScript(schema: String = PostgresTarget.defaultSchema) -> String {
        var out = "-- taskq PostgreSQL schema, \(MigrationCatalog.postgres.count) migration(s)\n"
        // The schema is created only when missing: CREATE SCHEMA IF NOT EXISTS would need CREATE on the database even
        // when an administrator made the schema for the application's role (docs/postgres.md#privileges).
        out += "BEGIN;\nDO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '\(schema)') "
            + "THEN CREATE SCHEMA \"\(schema)\"; END IF; END$$;\nSET LOCAL search_path TO \"\(schema)\";\n"
        out += SQLMigrations.createTable + ";\n"
        for m in MigrationCatalog.postgres {
            out += "\n-- \(m.fileName)\n\(m.sql)\n"
            out += "INSERT INTO taskq_migrations (version, name, applied_at) VALUES (\(m.version), '\(m.name)', (extract(epoch FROM now()) * 1000)::bigint);\n"
        }
        return out + "COMMIT;\n"
    }

    public func migrate(now: Millis) async throws -> [MigrationStatus] {
        let target = self.target
        return try await connection.run { db in
            try db.transaction {
                try db.exec("SELECT pg_advisory_xact_lock(hashtext('taskq.migrate.' || $1))", [target.schema], prepare: false)
                // Only when missing: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege on the database even when
                // the schema exists, which an application's role that owns only its schema does not have.
                let schema = try db.exec("SELECT has_schema_privilege($1, 'USAGE') FROM pg_namespace WHERE nspname = $1",
                                         [target.schema], prepare: false)
                if schema.rowCount == 0 {
                    try db.exec("CREATE SCHEMA IF NOT EXISTS \(target.quotedSchema)", [], prepare: false)
                } else if !schema.bool(0, 0) {
                    // Its tables would read as missing, and the advice would be to run the very command that failed.
                    throw TaskqError.unavailable("PostgreSQL at \(target.display) refused taskq's role: no USAGE on schema \(target.quotedSchema), which exists (docs/postgres.md#privileges)")
                }
                return try SQLMigrations.apply(MigrationCatalog.postgres, on: db, now: now)
            }
        }
    }

    public func migrationStatus() async throws -> [MigrationStatus] {
        try await connection.run { db in try SQLMigrations.status(MigrationCatalog.postgres, on: db) }
    }

    private let schemaChecked = Locked(false)

    public func requireSchema(recheck: Bool) async throws {
        if !recheck, schemaChecked.withLock({ $0 }) { return }
        let place = "PostgreSQL at \(target.display) (schema \(target.quotedSchema))"
        try await connection.run { db in try SQLMigrations.require(MigrationCatalog.postgres, on: db, place: place) }
        schemaChecked.withLock { $0 = true }
    }

    // MARK: Jobs

    public func enqueue(_ jobs: [NewJob], now: Millis) async throws -> [EnqueueResult] {
        guard !jobs.isEmpty else { return [] }
        // Inserts count themselves since migration 0011; against an older schema the trigger would count them too.
        // Checked once per store (commands have checked already).
        try await requireSchema(recheck: false)
        let channel = target.channel
        return try await connection.run { db in
            // Without unique keys one autocommit statement does it all, or for a large batch one COPY; with them
            // the look-up of existing live jobs must see the same snapshot, so both run in one transaction.
            if !jobs.contains(where: { $0.uniqueKey != nil }) {
                if jobs.count >= PostgresSQL.copyMinimum {
                    return try db.transaction { try Self.copy(jobs, db: db, now: now, channel: channel) }
                }
                return try Self.insert(jobs, db: db, now: now, channel: channel)
            }
            return try db.transaction { try Self.insert(jobs, db: db, now: now, channel: channel) }
        }
    }

    /// Inserts jobs without unique keys with COPY inside the caller's transaction: their ids are drawn from the
    /// sequence first (in order, so the file order is the id order), then the rows are copied with those ids, and
    /// the batch is counted and the queues that got ready work are notified (at commit), in one statement. The
    /// count trigger skips taskq's sessions (migration 0011), COPY included.
    static func copy(_ jobs: [NewJob], db: PostgresConnection, now: Millis, channel: String) throws -> [EnqueueResult] {
        let drawn = try db.exec(PostgresSQL.nextJobIDs, [String(jobs.count)])
        guard drawn.rowCount == jobs.count else {
            throw TaskqError.unavailable("PostgreSQL returned \(drawn.rowCount) ids for \(jobs.count) jobs")
        }
        var ids = (0..<drawn.rowCount).map { drawn.int($0, 0) }
        ids.sort()
        var data: [UInt8] = []
        data.reserveCapacity(jobs.count * 128)
        struct QueueState: Hashable { let queue: String, state: String }
        var counts: [QueueState: Int64] = [:]
        for (job, id) in zip(jobs, ids) {
            let state = job.initialState(now: now)
            counts[QueueState(queue: job.queue, state: state.rawValue), default: 0] += 1
            copyRow(job, id: id, state: state.rawValue, now: now, to: &data)
        }
        let copied = try db.copyIn(PostgresSQL.copyJobs, data: data)
        guard copied == jobs.count else { throw TaskqError.unavailable("PostgreSQL copied \(copied) of \(jobs.count) jobs") }
        let keys = Array(counts.keys)
        let ready = Set(keys.filter { $0.state == JobState.pending.rawValue }.map(\.queue))
        try db.exec(PostgresSQL.countCopiedAndNotify, [channel, PGArray.text(keys.map(\.queue)), PGArray.text(keys.map(\.state)),
                                                       PGArray.ints(keys.map { counts[$0] }), PGArray.text(ready.sorted())])
        return ids.map { EnqueueResult(id: $0, created: true) }
    }

    /// One row of `PostgresSQL.copyJobs` in COPY's text format: tab-separated, `\N` for NULL, and backslash, tab,
    /// newline and carriage return escaped with a backslash (so no value can end a field, a row or the data).
    static func copyRow(_ job: NewJob, id: Int64, state: String, now: Millis, to out: inout [UInt8]) {
        func text(_ value: String?) {
            guard let value else { out.append(0x5C); out.append(UInt8(ascii: "N")); return }
            // Most values need no escape: copied whole.
            if !value.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
                out.append(contentsOf: value.utf8)
                return
            }
            for byte in value.utf8 {
                switch byte {
                case 0x5C: out.append(0x5C); out.append(0x5C)
                case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
                case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
                default: out.append(byte)
                }
            }
        }
        func int(_ value: Int64?) {
            guard let value else { out.append(0x5C); out.append(UInt8(ascii: "N")); return }
            if value < 0 { out.append(UInt8(ascii: "-")) }
            // Decimal digits written last first, then put in order (no String per number).
            var rest = value.magnitude
            let start = out.count
            repeat {
                out.append(UInt8(ascii: "0") + UInt8(rest % 10))
                rest /= 10
            } while rest > 0
            out[start...].reverse()
        }
        func tab() { out.append(0x09) }
        int(id); tab()
        text(job.name); tab()
        text(job.task); tab()
        text(job.args.serialized()); tab()
        text(job.queue); tab()
        int(Int64(job.priority)); tab()
        text(state); tab()
        int(Int64(job.maxRetries)); tab()
        text(job.retryPolicy.backoff.rawValue); tab()
        int(job.retryPolicy.baseDelayMillis); tab()
        int(job.timeoutMillis); tab()
        int(job.dueAt(now: now)); tab()
        text(job.uniqueKey); tab()
        int(now)
        out.append(0x0A)
    }

    /// Inserts jobs and notifies their queues' listeners (at commit when inside a transaction). A live job with the
    /// same unique key is returned instead; callers run jobs with unique keys inside a transaction.
    static func insert(_ jobs: [NewJob], db: PostgresConnection, now: Millis, channel: String) throws -> [EnqueueResult] {
        let runAts: [Int64?] = jobs.map { $0.dueAt(now: now) }
        let states: [String?] = jobs.map { $0.initialState(now: now).rawValue }
        let params: [String?] = [
            PGArray.text(jobs.map(\.name)), PGArray.text(jobs.map(\.task)), PGArray.text(jobs.map { $0.args.serialized() }),
            PGArray.text(jobs.map(\.queue)), PGArray.ints(jobs.map(\.priority)), PGArray.text(states),
            PGArray.ints(jobs.map(\.maxRetries)), PGArray.text(jobs.map(\.retryPolicy.backoff.rawValue)),
            PGArray.ints(jobs.map(\.retryPolicy.baseDelayMillis)), PGArray.ints(jobs.map(\.timeoutMillis)),
            PGArray.ints(runAts), PGArray.text(jobs.map(\.uniqueKey)), String(now), channel,
        ]
        let inserted = try db.exec(PostgresSQL.insertJobsAndNotify, params)
        if !jobs.contains(where: { $0.uniqueKey != nil }) {
            return (0..<inserted.rowCount).map { inserted.int($0, 0) }.sorted().map { EnqueueResult(id: $0, created: true) }
        }
        var rows: [(id: Int64, key: String?)] = (0..<inserted.rowCount).map { (inserted.int($0, 0), inserted.optionalString($0, 1)) }
        rows.sort { $0.id < $1.id }
        let insertedKeys = Set(rows.compactMap(\.key))
        // Which input rows were inserted: every row without a key, and the first row of each new key.
        var claimedKeys = Set<String>()
        var insertedFlags: [Bool] = []
        insertedFlags.reserveCapacity(jobs.count)
        for job in jobs {
            guard let key = job.uniqueKey else { insertedFlags.append(true); continue }
            let fresh = insertedKeys.contains(key) && !claimedKeys.contains(key)
            if fresh { claimedKeys.insert(key) }
            insertedFlags.append(fresh)
        }
        var existing: [String: Int64] = [:]
        let skippedKeys = zip(jobs, insertedFlags).filter { !$0.1 }.compactMap { $0.0.uniqueKey }
        if !skippedKeys.isEmpty {
            let found = try db.exec(PostgresSQL.liveByUniqueKeys, [PGArray.text(Array(Set(skippedKeys)))])
            for row in 0..<found.rowCount { existing[found.string(row, 1)] = found.int(row, 0) }
        }
        var results: [EnqueueResult] = []
        results.reserveCapacity(jobs.count)
        var next = 0
        for (job, fresh) in zip(jobs, insertedFlags) {
            if fresh {
                results.append(EnqueueResult(id: rows[next].id, created: true))
                next += 1
            } else {
                guard let key = job.uniqueKey, let id = existing[key] else {
                    throw TaskqError.temporary("unique key '\(TerminalText.escaped(job.uniqueKey ?? ""))' changed state during enqueue; try again")
                }
                results.append(EnqueueResult(id: id, created: false))
            }
        }
        return results
    }

    public func claim(queues: [String], tasks: [String], limit: Int, startingNow: Int, worker: String, now: Millis, leaseUntil: Millis) async throws -> [Job] {
        guard limit > 0, !queues.isEmpty, !tasks.isEmpty else { return [] }
        let sql = PostgresSQL.claim(singleQueue: queues.count == 1)
        let params: [String?] = [PGArray.text(queues), String(now), String(limit), worker, String(leaseUntil), PGArray.text(tasks),
                                 String(max(0, startingNow))]
        return try await connection.run { db in
            let r = try db.exec(sql, params)
            return (0..<r.rowCount).map { PostgresSQL.decodeJob(r, $0) }
        }
    }

    public func finish(_ outcomes: [JobOutcome], now: Millis) async throws -> FinishReply {
        guard !outcomes.isEmpty else { return FinishReply() }
        let params = PostgresSQL.finishParameters(outcomes, now: now)
        return try await connection.run { db in
            let r = try db.exec(PostgresSQL.finish, params)
            var reply = FinishReply()
            for row in 0..<r.rowCount {
                if r.bool(row, 1) { reply.applied.insert(r.int(row, 0)) } else { reply.cancelRequested.insert(r.int(row, 0)) }
            }
            return reply
        }
    }

    public func heartbeat(jobIDs: [Int64], started: [Int64], worker: String, now: Millis, leaseUntil: Millis) async throws -> HeartbeatReply {
        let params: [String?] = [PGArray.ints(jobIDs), worker, String(leaseUntil), String(now), PGArray.ints(started)]
        return try await connection.run { db in
            let r = try db.exec(PostgresSQL.heartbeat, params)
            var reply = HeartbeatReply()
            for row in 0..<r.rowCount {
                if !r.bool(row, 1) { reply.lost.append(r.int(row, 0)) } else if r.bool(row, 2) { reply.cancel.append(r.int(row, 0)) }
            }
            return reply
        }
    }

    public func expiredLeases(now: Millis, limit: Int) async throws -> [Job] {
        try await connection.run { db in
            let r = try db.exec(PostgresSQL.expiredLeases, [String(now), String(limit)])
            return (0..<r.rowCount).map { PostgresSQL.decodeJob(r, $0) }
        }
    }

    public func cancel(id: Int64, now: Millis, error: String) async throws -> CancelResult {
        try await connection.run { db in
            let r = try db.exec(PostgresSQL.cancel, [String(id), String(now), error])
            guard r.rowCount == 1, let state = JobState(rawValue: r.string(0, 0)) else { return .notFound }
            switch state {
            case .scheduled, .pending, .retrying: return .cancelled
            case .running: return .cancelRequested
            case .completed, .failed, .cancelled: return .notCancellable(state)
            }
        }
    }

    public func retry(id: Int64, now: Millis, from: Set<JobState>) async throws -> RetryResult {
        let channel = target.channel
        return try await connection.run { db in
            try db.transaction {
                let current = try db.exec("SELECT state, unique_key FROM taskq_jobs WHERE id = $1 FOR UPDATE", [String(id)])
                guard current.rowCount == 1, let state = JobState(rawValue: current.string(0, 0)) else { return .notFound }
                guard from.contains(state) else { return .notRetryable(state) }
                let sql: String
                switch state {
                case .failed, .cancelled, .completed:
                    if let key = current.optionalString(0, 1) {
                        let live = try db.exec(PostgresSQL.liveByUniqueKeys, [PGArray.text([key])])
                        if live.rowCount > 0 { return .uniqueKeyHeld(key: key, byJob: live.int(0, 0)) }
                    }
                    sql = PostgresSQL.retryFinished
                case .scheduled, .retrying:
                    sql = PostgresSQL.retryWaiting
                case .pending, .running:
                    return .notRetryable(state)
                }
                let r = try db.exec(sql, [String(now), String(id)])
                if r.rowCount == 1 { try db.exec(PostgresSQL.notifyQueues, [channel, PGArray.text([r.string(0, 0)])]) }
                return .retried
            }
        }
    }

    public func job(id: Int64) async throws -> Job? {
        try await connection.run { db in
            let r = try db.exec("SELECT \(PostgresSQL.jobColumns) FROM taskq_jobs WHERE id = $1", [String(id)])
            return r.rowCount == 1 ? PostgresSQL.decodeJob(r, 0) : nil
        }
    }

    public func attempts(jobID: Int64) async throws -> [Attempt] {
        try await connection.run { db in
            let r = try db.exec("""
                SELECT job_id, attempt, started_at, finished_at, worker, outcome, error
                FROM taskq_attempts WHERE job_id = $1 ORDER BY attempt
                """, [String(jobID)])
            return (0..<r.rowCount).map {
                Attempt(jobID: r.int($0, 0), attempt: Int(r.int($0, 1)), startedAt: r.int($0, 2), finishedAt: r.optionalInt($0, 3),
                        worker: r.string($0, 4), outcome: AttemptOutcome(rawValue: r.string($0, 5)) ?? .failed, error: r.optionalString($0, 6))
            }
        }
    }

    /// Newest first, one page (`PostgresSQL.listJobs`).
    public func list(_ filter: JobFilter) async throws -> [Job] {
        let (sql, params) = PostgresSQL.listJobs(filter)
        return try await connection.run { db in
            let r = try db.exec(sql, params)
            return (0..<r.rowCount).map { PostgresSQL.decodeJob(r, $0) }
        }
    }

    /// Reads the trigger-kept counter rows (migration 0007: a base slot plus one slot per server process), one
    /// statement so one snapshot. When many slots have piled up, folds those of processes that have gone into the
    /// base, at most once a minute per store (best effort: a read-only role just keeps reading them all).
    public func counts() async throws -> [StateCount] {
        let foldDue = lastCountsFold.withLock { Clock.monotonicSeconds() - $0 >= Self.countsFoldIntervalSeconds }
        let (counts, slotRows) = try await connection.run { db -> ([StateCount], Int) in
            let r = try db.exec(PostgresSQL.counts, [])
            var slotRows = 0
            let counts: [StateCount] = (0..<r.rowCount).compactMap { row in
                slotRows += Int(r.int(row, 3))
                let n = r.int(row, 2)
                guard n > 0, let state = JobState(rawValue: r.string(row, 1)) else { return nil }
                return StateCount(queue: r.string(row, 0), state: state, count: Int(n))
            }
            return (counts, slotRows)
        }
        if foldDue && slotRows > Self.countsFoldRows {
            lastCountsFold.withLock { $0 = Clock.monotonicSeconds() }
            _ = try? await foldJobCounts()
        }
        return counts
    }

    /// Folds the counter rows of server processes that have gone into the base slot (`taskq_fold_job_counts`):
    /// how many rows it folded, 0 while another process is folding.
    func foldJobCounts() async throws -> Int {
        try await connection.run { db in Int(try db.exec("SELECT taskq_fold_job_counts()", []).int(0, 0)) }
    }

    /// Counter rows beyond which `counts()` folds the slots of gone processes, and how often it may try.
    static let countsFoldRows = 1_000
    static let countsFoldIntervalSeconds = 60.0
    private let lastCountsFold = Locked<Double>(-.infinity)

    public func purge(states: [JobState], finishedBefore before: Millis, limit: Int) async throws -> Int {
        let finished = states.filter(\.isFinished)
        guard !finished.isEmpty, limit > 0 else { return 0 }
        return try await connection.run { db in
            let r = try db.exec(PostgresSQL.purgeBatch, [PGArray.text(finished.map(\.rawValue)), String(before), String(limit)])
            return r.affected
        }
    }

    // MARK: Tasks and workers

    public func announceTasks(_ tasks: [TaskInfo], worker: String, now: Millis) async throws {
        guard !tasks.isEmpty else { return }
        try await connection.run { db in
            try db.exec("""
                INSERT INTO taskq_tasks (name, description, worker, last_seen)
                SELECT n, d, $3, $4 FROM unnest($1::text[], $2::text[]) AS t(n, d)
                ON CONFLICT (name) DO UPDATE SET description = excluded.description, worker = excluded.worker,
                    last_seen = excluded.last_seen
                """, [PGArray.text(tasks.map(\.name)), PGArray.text(tasks.map(\.description)), worker, String(now)])
        }
    }

    public func knownTasks() async throws -> [TaskInfo] {
        try await connection.run { db in
            let r = try db.exec("SELECT name, description FROM taskq_tasks ORDER BY name", [])
            return (0..<r.rowCount).map { TaskInfo(name: r.string($0, 0), description: r.string($0, 1)) }
        }
    }

    public func registerWorker(_ info: WorkerInfo) async throws {
        try await connection.run { db in
            try db.exec("""
                INSERT INTO taskq_workers (id, host, pid, queues, concurrency, started_at, last_seen, lease_ms, completed, failed,
                                           retried)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, queues = excluded.queues,
                    concurrency = excluded.concurrency, started_at = excluded.started_at, last_seen = excluded.last_seen,
                    lease_ms = excluded.lease_ms, completed = excluded.completed, failed = excluded.failed,
                    retried = excluded.retried
                """, [info.id, info.host, String(info.pid), info.queues.joined(separator: ","), String(info.concurrency),
                      String(info.startedAt), String(info.lastSeen), String(info.leaseMillis), String(info.completed),
                      String(info.failed), String(info.retried)])
        }
    }

    public func unregisterWorker(id: String) async throws {
        try await connection.run { db in try db.exec("DELETE FROM taskq_workers WHERE id = $1", [id]) }
    }

    // MARK: Wake-ups

    public func waitForWork(queues: [String], timeout: Double) async {
        await listener.wait(queues: Set(queues), timeout: timeout)
    }
}
