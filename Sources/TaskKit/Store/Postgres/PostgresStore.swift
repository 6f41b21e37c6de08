import CLibPQ
import TaskqMigrations
#if canImport(Glibc)
import Glibc
#endif

/// The production store: PostgreSQL through libpq. Claims are one `FOR UPDATE SKIP LOCKED` statement per batch,
/// outcomes and heartbeats one statement per batch, enqueues one INSERT per batch; idle workers wake on
/// LISTEN/NOTIFY. Migrations run in a transaction under an advisory lock.
public final class PostgresStore: JobStore, @unchecked Sendable {
    public let backend = "postgres"
    public let capabilities: StoreCapabilities = [.pushWakeups, .multiHost]
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
        out += "BEGIN;\nCREATE SCHEMA IF NOT EXISTS \"\(schema)\";\nSET LOCAL search_path TO \"\(schema)\";\n"
        out += "CREATE TABLE IF NOT EXISTS taskq_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL);\n"
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
                try db.exec("CREATE SCHEMA IF NOT EXISTS \(target.quotedSchema)", [], prepare: false)
                try db.exec("""
                    CREATE TABLE IF NOT EXISTS taskq_migrations (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)
                    """, [], prepare: false)
                let applied = try Self.appliedVersions(db)
                let latest = MigrationCatalog.postgres.last?.version ?? 0
                if let newest = applied.keys.max(), newest > latest {
                    throw TaskqError.unavailable("database schema is at version \(newest), newer than this taskq knows (\(latest)): upgrade taskq")
                }
                var done: [MigrationStatus] = []
                for migration in MigrationCatalog.postgres where applied[migration.version] == nil {
                    try db.exec(migration.sql, [], prepare: false)
                    try db.exec("INSERT INTO taskq_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                                [String(migration.version), migration.name, String(now)], prepare: false)
                    done.append(MigrationStatus(version: migration.version, name: migration.name, appliedAt: now))
                }
                return done
            }
        }
    }

    public func migrationStatus() async throws -> [MigrationStatus] {
        try await connection.run { db in
            let applied = try Self.hasMigrationsTable(db) ? try Self.appliedVersions(db) : [:]
            return MigrationCatalog.postgres.map { MigrationStatus(version: $0.version, name: $0.name, appliedAt: applied[$0.version]) }
        }
    }

    private var schemaChecked = false

    public func requireSchema() async throws {
        if schemaChecked { return }
        let target = self.target
        try await connection.run { db in
            let current = try Self.hasMigrationsTable(db) ? try Self.appliedVersions(db).keys.max() ?? 0 : 0
            try SchemaVersion.require(current: current, latest: MigrationCatalog.postgres.last?.version ?? 0,
                                      place: "PostgreSQL at \(target.display) (schema \(target.quotedSchema))")
        }
        schemaChecked = true
    }

    private static func hasMigrationsTable(_ db: PostgresConnection) throws -> Bool {
        let r = try db.exec("SELECT to_regclass(quote_ident($1) || '.taskq_migrations') IS NOT NULL", [db.target.schema], prepare: false)
        return r.bool(0, 0)
    }

    private static func appliedVersions(_ db: PostgresConnection) throws -> [Int: Millis] {
        let r = try db.exec("SELECT version, applied_at FROM taskq_migrations", [], prepare: false)
        var applied: [Int: Millis] = [:]
        for row in 0..<r.rowCount { applied[Int(r.int(row, 0))] = r.int(row, 1) }
        return applied
    }

    // MARK: Jobs

    public func enqueue(_ jobs: [NewJob], now: Millis) async throws -> [EnqueueResult] {
        guard !jobs.isEmpty else { return [] }
        let channel = target.channel
        return try await connection.run { db in
            // Without unique keys one autocommit statement does it all; with them the look-up of existing live jobs
            // must see the same snapshot, so both run in one transaction.
            if !jobs.contains(where: { $0.uniqueKey != nil }) { return try Self.insert(jobs, db: db, now: now, channel: channel) }
            return try db.transaction { try Self.insert(jobs, db: db, now: now, channel: channel) }
        }
    }

    /// Inserts jobs and notifies their queues' listeners (at commit when inside a transaction). A live job with the
    /// same unique key is returned instead; callers run jobs with unique keys inside a transaction.
    static func insert(_ jobs: [NewJob], db: PostgresConnection, now: Millis, channel: String) throws -> [EnqueueResult] {
        var states: [String?] = [], runAts: [Int64?] = []
        for job in jobs {
            let runAt = job.runAt ?? now
            runAts.append(runAt)
            states.append(runAt > now ? JobState.scheduled.rawValue : JobState.pending.rawValue)
        }
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
                    throw TaskqError.temporary("unique key '\(job.uniqueKey ?? "")' changed state during enqueue; try again")
                }
                results.append(EnqueueResult(id: id, created: false))
            }
        }
        return results
    }

    public func claim(queues: [String], limit: Int, worker: String, now: Millis, leaseUntil: Millis) async throws -> [Job] {
        guard limit > 0, !queues.isEmpty else { return [] }
        let sql = PostgresSQL.claim(singleQueue: queues.count == 1)
        let params: [String?] = [PGArray.text(queues), String(now), String(limit), worker, String(leaseUntil)]
        return try await connection.run { db in
            let r = try db.exec(sql, params)
            return (0..<r.rowCount).map { PostgresSQL.decodeJob(r, $0) }
        }
    }

    public func finish(_ outcomes: [JobOutcome], now: Millis) async throws -> Set<Int64> {
        guard !outcomes.isEmpty else { return [] }
        var kinds: [String?] = [], results: [String?] = [], errors: [String?] = [], runAts: [Int64?] = [], attemptOutcomes: [String?] = []
        for outcome in outcomes {
            switch outcome.kind {
            case let .completed(result):
                kinds.append("completed"); results.append(result.serialized()); errors.append(nil); runAts.append(nil)
                attemptOutcomes.append(AttemptOutcome.completed.rawValue)
            case let .retry(error, runAt, kind):
                kinds.append("retry"); results.append(nil); errors.append(error); runAts.append(runAt); attemptOutcomes.append(kind.rawValue)
            case let .failed(error, kind):
                kinds.append("failed"); results.append(nil); errors.append(error); runAts.append(nil); attemptOutcomes.append(kind.rawValue)
            case let .cancelled(error):
                kinds.append("cancelled"); results.append(nil); errors.append(error); runAts.append(nil)
                attemptOutcomes.append(AttemptOutcome.cancelled.rawValue)
            case .released:
                kinds.append("released"); results.append(nil); errors.append("released at worker shutdown"); runAts.append(nil)
                attemptOutcomes.append(AttemptOutcome.released.rawValue)
            }
        }
        let params: [String?] = [
            PGArray.ints(outcomes.map(\.jobID)), PGArray.ints(outcomes.map(\.attempt)), PGArray.text(outcomes.map(\.worker)),
            PGArray.text(kinds), PGArray.text(results), PGArray.text(errors), PGArray.ints(runAts), PGArray.text(attemptOutcomes),
            PGArray.ints(outcomes.map { $0.finishedAt ?? now }),
        ]
        return try await connection.run { db in
            let r = try db.exec(PostgresSQL.finish, params)
            return Set((0..<r.rowCount).map { r.int($0, 0) })
        }
    }

    public func heartbeat(jobIDs: [Int64], worker: String, now: Millis, leaseUntil: Millis) async throws -> HeartbeatReply {
        let params: [String?] = [PGArray.ints(jobIDs), worker, String(leaseUntil), String(now)]
        return try await connection.run { db in
            let r = try db.exec(PostgresSQL.heartbeat, params)
            var reply = HeartbeatReply()
            for row in 0..<r.rowCount {
                if !r.bool(row, 1) { reply.lost.append(r.int(row, 0)) } else if r.bool(row, 2) { reply.cancel.append(r.int(row, 0)) }
            }
            return reply
        }
    }

    public func rescueExpired(now: Millis, limit: Int) async throws -> [RescuedJob] {
        let channel = target.channel
        return try await connection.run { db in
            try db.transaction {
                let r = try db.exec(PostgresSQL.rescue, [String(now), String(limit)])
                let rescued = (0..<r.rowCount).map {
                    RescuedJob(id: r.int($0, 0), worker: r.optionalString($0, 1), newState: JobState(rawValue: r.string($0, 2)) ?? .failed)
                }
                let queues = Set((0..<r.rowCount).filter { r.string($0, 2) == "retrying" }.map { r.string($0, 3) })
                if !queues.isEmpty { try db.exec(PostgresSQL.notifyQueues, [channel, PGArray.text(Array(queues))]) }
                return rescued
            }
        }
    }

    public func cancel(id: Int64, now: Millis) async throws -> CancelResult {
        try await connection.run { db in
            let r = try db.exec(PostgresSQL.cancel, [String(id), String(now)])
            guard r.rowCount == 1, let state = JobState(rawValue: r.string(0, 0)) else { return .notFound }
            switch state {
            case .scheduled, .pending, .retrying: return .cancelled
            case .running: return .cancelRequested
            case .completed, .failed, .cancelled: return .notCancellable(state)
            }
        }
    }

    public func retry(id: Int64, now: Millis, onlyFrom: Set<JobState>?) async throws -> RetryResult {
        let channel = target.channel
        return try await connection.run { db in
            try db.transaction {
                let current = try db.exec("SELECT state, unique_key FROM taskq_jobs WHERE id = $1 FOR UPDATE", [String(id)])
                guard current.rowCount == 1, let state = JobState(rawValue: current.string(0, 0)) else { return .notFound }
                if let onlyFrom, !onlyFrom.contains(state) { return .notRetryable(state) }
                let sql: String
                switch state {
                case .failed, .cancelled:
                    if let key = current.optionalString(0, 1) {
                        let live = try db.exec(PostgresSQL.liveByUniqueKeys, [PGArray.text([key])])
                        if live.rowCount > 0 {
                            throw TaskqError.failed("job \(live.int(0, 0)) already holds unique key '\(key)'; not retrying job \(id)")
                        }
                    }
                    sql = PostgresSQL.retryFinished
                case .scheduled, .retrying:
                    sql = PostgresSQL.retryWaiting
                case .pending, .running, .completed:
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

    public func list(_ filter: JobFilter) async throws -> [Job] {
        var sql = "SELECT \(PostgresSQL.jobColumns) FROM taskq_jobs WHERE true"
        var params: [String?] = []
        func add(_ value: String) -> String { params.append(value); return "$\(params.count)" }
        if !filter.states.isEmpty { sql += " AND state = ANY(\(add(PGArray.text(filter.states.map(\.rawValue))))::text[])" }
        if let queue = filter.queue { sql += " AND queue = \(add(queue))" }
        if let task = filter.task { sql += " AND task = \(add(task))" }
        if let before = filter.beforeID { sql += " AND id < \(add(String(before)))::bigint" }
        sql += " ORDER BY id DESC LIMIT \(add(String(max(0, filter.limit))))::bigint"
        return try await connection.run { [sql, params] db in
            let r = try db.exec(sql, params)
            return (0..<r.rowCount).map { PostgresSQL.decodeJob(r, $0) }
        }
    }

    public func counts() async throws -> [StateCount] {
        try await connection.run { db in
            let r = try db.exec("SELECT queue, state, count(*) FROM taskq_jobs GROUP BY queue, state ORDER BY queue, state", [])
            return (0..<r.rowCount).compactMap { row in
                JobState(rawValue: r.string(row, 1)).map { StateCount(queue: r.string(row, 0), state: $0, count: Int(r.int(row, 2))) }
            }
        }
    }

    public func purge(states: [JobState], finishedBefore before: Millis, limit: Int) async throws -> Int {
        let finished = states.filter(\.isFinished)
        guard !finished.isEmpty, limit > 0 else { return 0 }
        return try await connection.run { db in
            let r = try db.exec("""
                DELETE FROM taskq_jobs WHERE id IN (
                    SELECT id FROM taskq_jobs WHERE state = ANY($1::text[]) AND finished_at < $2 LIMIT $3 FOR UPDATE SKIP LOCKED)
                """, [PGArray.text(finished.map(\.rawValue)), String(before), String(limit)])
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
                INSERT INTO taskq_workers (id, host, pid, queues, concurrency, started_at, last_seen)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, queues = excluded.queues,
                    concurrency = excluded.concurrency, started_at = excluded.started_at, last_seen = excluded.last_seen
                """, [info.id, info.host, String(info.pid), info.queues.joined(separator: ","), String(info.concurrency),
                      String(info.startedAt), String(info.lastSeen)])
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
