import TaskqMigrations

/// The embedded default store: one SQLite file in WAL mode shared by any number of processes on one host.
/// Every state change is one `BEGIN IMMEDIATE` transaction; wake-ups watch `PRAGMA data_version`.
public final class SQLiteStore: TaskqStore, @unchecked Sendable {
    public let backend = "sqlite"
    let connection: SQLiteConnection
    let path: String
    private let wake = Locked(WakeState())
    /// Interval between `data_version` probes while waiting for work.
    static let wakeProbeSeconds = 0.003

    private init(connection: SQLiteConnection, path: String) {
        self.connection = connection
        self.path = path
    }

    /// Opens the database file. With `create` false the file must exist (every command but `migrate`).
    public static func open(path: String, create: Bool) async throws -> SQLiteStore {
        let connection = try await SQLiteConnection.open(path: path, create: create)
        return SQLiteStore(connection: connection, path: path)
    }

    public func close() async {
        watcher.withLock { $0 ?? nil }?.stop()
        await connection.close()
    }

    // MARK: Schema

    /// A current schema is left alone without a write transaction, so `migrate` on a read-only database that is up
    /// to date answers "up to date" (exit 0) instead of failing to take the write lock.
    public func migrate(now: Millis) async throws -> [MigrationStatus] {
        try await connection.run { db in
            // In a read transaction, which also resets its statements: a read left open would lock the tables the
            // migrations change.
            let current = (try? db.readTransaction { try SQLMigrations.require(MigrationCatalog.sqlite, on: db, place: "") }) != nil
            if current { return [] }
            return try db.writeTransaction { try SQLMigrations.apply(MigrationCatalog.sqlite, on: db, now: now) }
        }
    }

    public func migrationStatus() async throws -> [MigrationStatus] {
        try await connection.run { db in try SQLMigrations.status(MigrationCatalog.sqlite, on: db) }
    }

    private let schemaChecked = Locked(false)

    /// None: taskq sets SQLite's own durability on every connection (WAL, `synchronous=NORMAL`: a commit survives
    /// a crash of the process; a power loss can lose the last commits, docs/contracts.md#durability).
    public func durabilityWarnings() async -> [String] { [] }

    public func requireSchema(recheck: Bool) async throws {
        if !recheck, schemaChecked.withLock({ $0 }) { return }
        let path = self.path
        try await connection.run { db in try SQLMigrations.require(MigrationCatalog.sqlite, on: db, place: "'\(TerminalText.escaped(path))'") }
        schemaChecked.withLock { $0 = true }
    }

    /// Changes whenever another connection commits (SQLite's `PRAGMA data_version`).
    private static func dataVersion(_ db: SQLiteConnection) throws -> Int64 {
        (try db.queryText("PRAGMA data_version")).flatMap { Int64($0) } ?? -1
    }

    // MARK: Jobs

    public func enqueue(_ jobs: [NewJob], now: Millis) async throws -> [EnqueueResult] {
        guard !jobs.isEmpty else { return [] }
        return try await connection.run { db in
            try db.writeTransaction { try Self.insert(jobs, db: db, now: now) }
        }
    }

    /// Inserts jobs inside the caller's write transaction; a live job with the same unique key is returned instead
    /// (also when that job is an earlier one of the same batch).
    ///
    /// The jobs to create go in in order, up to `SQLiteSQL.insertRowsMax` rows per statement. Their ids follow from
    /// the last one: with AUTOINCREMENT each new row gets one more than the largest id the table ever had, and the
    /// caller's write transaction holds the lock, so a statement's rows get consecutive ids in VALUES order.
    static func insert(_ jobs: [NewJob], db: SQLiteConnection, now: Millis) throws -> [EnqueueResult] {
        var results = [EnqueueResult](repeating: EnqueueResult(id: 0, created: true), count: jobs.count)
        // Unique keys first: the live job holding a key, or the batch's first job with it.
        var create: [Int] = []
        create.reserveCapacity(jobs.count)
        var firstWithKey: [String: Int] = [:]
        var repeats: [(index: Int, first: Int)] = []
        for (index, job) in jobs.enumerated() {
            guard let key = job.uniqueKey else { create.append(index); continue }
            if let first = firstWithKey[key] { repeats.append((index, first)); continue }
            firstWithKey[key] = index
            let existing = try db.prepare(SQLiteSQL.findLiveUnique).bind([.text(key)])
            if try existing.step() {
                results[index] = EnqueueResult(id: existing.int(0), created: false)
            } else {
                create.append(index)
            }
        }
        var counts = SQLiteJobCounts()
        // Runs of jobs of one queue and state are counted first and recorded once (a batch is mostly one run).
        var run: (queue: String, state: String, jobs: Int64) = ("", "", 0)
        var start = 0
        while start < create.count {
            var rows = SQLiteSQL.insertRowsMax
            while rows > create.count - start { rows /= 2 }
            let insert = try db.prepare(SQLiteSQL.insertJobs(rows: rows))
            var parameter: Int32 = 1
            for index in create[start..<(start + rows)] {
                let job = jobs[index]
                let state = job.initialState(now: now).rawValue
                try insert.bindText(parameter, job.name)
                try insert.bindText(parameter + 1, job.task)
                try insert.bindText(parameter + 2, job.args.serialized())
                try insert.bindText(parameter + 3, job.queue)
                try insert.bindInt(parameter + 4, Int64(job.priority))
                try insert.bindText(parameter + 5, state)
                try insert.bindInt(parameter + 6, Int64(job.maxRetries))
                try insert.bindText(parameter + 7, job.retryPolicy.backoff.rawValue)
                try insert.bindInt(parameter + 8, job.retryPolicy.baseDelayMillis)
                try insert.bindInt(parameter + 9, job.timeoutMillis)
                try insert.bindInt(parameter + 10, job.dueAt(now: now))
                try insert.bindText(parameter + 11, job.uniqueKey)
                try insert.bindInt(parameter + 12, now)
                parameter += SQLiteSQL.insertColumns
                if run.jobs > 0 && run.queue == job.queue && run.state == state {
                    run.jobs += 1
                } else {
                    if run.jobs > 0 { counts.add(queue: run.queue, state: run.state, run.jobs) }
                    run = (job.queue, state, 1)
                }
            }
            try insert.run()
            guard db.changes == rows else {
                throw TaskqError.unavailable("sqlite inserted \(db.changes) of \(rows) jobs in one statement")
            }
            let first = db.lastInsertRowID - Int64(rows - 1)
            for (offset, index) in create[start..<(start + rows)].enumerated() {
                results[index] = EnqueueResult(id: first + Int64(offset), created: true)
            }
            start += rows
        }
        if run.jobs > 0 { counts.add(queue: run.queue, state: run.state, run.jobs) }
        for (index, first) in repeats { results[index] = EnqueueResult(id: results[first].id, created: false) }
        try counts.apply(db)
        return results
    }

    public func claim(queues: [String], tasks: [String], limit: Int, startingNow: Int, worker: String, now: Millis, leaseUntil: Millis) async throws -> [Job] {
        guard limit > 0, !queues.isEmpty, !tasks.isEmpty else { return [] }
        let candidatesSQL = SQLiteSQL.claimCandidates(taskCount: tasks.count)
        let taskParams = tasks.map { SQLiteValue.text($0) }
        return try await connection.run { db in
            /// Due candidates in the queues that are not paused, at most `limit` per queue.
            func candidates(limit: Int) throws -> [(id: Int64, priority: Int64, runAt: Int64, state: String, queue: String)] {
                var found: [(id: Int64, priority: Int64, runAt: Int64, state: String, queue: String)] = []
                var paused = Set<String>()
                let pausedSelect = try db.prepare(SQLiteSQL.pausedQueues)
                while try pausedSelect.step() { paused.insert(pausedSelect.text(0)) }
                let select = try db.prepare(candidatesSQL)
                for queue in queues where !paused.contains(queue) {
                    var inQueue = 0
                    for priority in Priority.range.reversed() where inQueue < limit {
                        select.reset()
                        _ = try select.bind([.text(queue), .int(Int64(priority)), .int(now)] + taskParams + [.int(Int64(limit - inQueue))])
                        while try select.step() {
                            found.append((select.int(0), select.int(1), select.int(2), select.text(3), queue))
                            inQueue += 1
                        }
                    }
                }
                return found
            }
            // A read-only look first (no write lock): a worker woken by another process's commit, with nothing due
            // for it, does not queue for the write lock behind the busy ones. `data_version` is read in the same
            // snapshot (and below inside the claim's transaction, where no other commit can come in between), so a
            // commit after it wakes the next `waitForWork`.
            let (anyDue, version) = try db.readTransaction { (try !candidates(limit: 1).isEmpty, try Self.dataVersion(db)) }
            guard anyDue else {
                self.claimSaw(version: version)
                return []
            }
            let (rows, seen): ([SQLiteSQL.CopiedRow], Int64) = try db.writeTransaction {
                // Paused queues are skipped in the same transaction: a pause holds from the next claim on.
                var found = try candidates(limit: limit)
                if queues.count > 1 {
                    found.sort { a, b in
                        if a.priority != b.priority { return a.priority > b.priority }
                        if a.runAt != b.runAt { return a.runAt < b.runAt }
                        return a.id < b.id
                    }
                }
                let seen = try Self.dataVersion(db)
                let chosen = found.prefix(limit)
                guard !chosen.isEmpty else { return ([], seen) }
                let ids = SQLiteSQL.idList(chosen.map { $0.id })
                var claimed: [SQLiteSQL.CopiedRow] = []
                claimed.reserveCapacity(chosen.count)
                var marked = Set<Int64>()
                let startingIDs = SQLiteSQL.idList(chosen.prefix(max(0, startingNow)).map { $0.id })
                let update = try db.prepare(SQLiteSQL.markRunning).bind([.text(worker), .int(now), .int(leaseUntil), .text(ids), .text(startingIDs)])
                while try update.step() {
                    marked.insert(update.int(0))
                    claimed.append(SQLiteSQL.CopiedRow(update, columns: JobColumns.names.count))
                }
                try db.prepare(SQLiteSQL.openAttempts).bind([.int(now), .text(worker), .text(ids)]).run()
                // taskq's own connections run with the count triggers off (docs/architecture.md#job-counts).
                var counts = SQLiteJobCounts()
                for candidate in chosen where marked.contains(candidate.id) {
                    counts.move(queue: candidate.queue, from: candidate.state, to: JobState.running.rawValue)
                }
                try counts.apply(db)
                return (claimed, seen)
            }
            self.claimSaw(version: seen)
            // Decoded after the commit; RETURNING gives no order: back to claim order.
            return rows.map { JobColumns.decode($0) }.sorted { a, b in
                if a.priority != b.priority { return a.priority > b.priority }
                if a.runAt != b.runAt { return a.runAt < b.runAt }
                return a.id < b.id
            }
        }
    }

    public func finish(_ outcomes: [JobOutcome], now: Millis) async throws -> FinishReply {
        guard !outcomes.isEmpty else { return FinishReply() }
        // Parameters are built before the transaction, so the write lock is held only for the statements.
        struct Prepared { var id: Int64; var apply: [SQLiteValue]; var held: [SQLiteValue]?; var close: [SQLiteValue] }
        let prepared = outcomes.map { outcome -> Prepared in
            let t = outcome.transition(now: now)
            let owner: [SQLiteValue] = [.int(outcome.jobID), .text(outcome.worker), .int(Int64(outcome.attempt))]
            return Prepared(
                id: outcome.jobID,
                apply: [.text(t.state.rawValue), .optional(t.error), .optional(t.result?.serialized()), .optional(t.runAt),
                        .optional(t.finishedAt), .int(t.refundsAttempt ? 1 : 0)]
                    + owner + [.int(t.yieldsToCancel ? 1 : 0), .optional(outcome.leaseExpiredBefore), .optional(t.startedAt)],
                held: t.yieldsToCancel ? owner + [.optional(outcome.leaseExpiredBefore)] : nil,
                close: [.int(t.attemptEndedAt), .text(t.attemptOutcome.rawValue), .optional(t.attemptError),
                        .int(outcome.jobID), .int(Int64(outcome.attempt)), .optional(t.startedAt)])
        }
        return try await connection.run { db in
            try db.writeTransaction {
                var reply = FinishReply()
                var applied: [Int64] = []
                let apply = try db.prepare(SQLiteSQL.applyTransition)
                let close = try db.prepare(SQLiteSQL.closeAttempt)
                for p in prepared {
                    apply.reset()
                    try apply.bind(p.apply).run()
                    guard db.changes == 1 else {
                        if let held = p.held, try db.prepare(SQLiteSQL.heldWithCancelRequested).bind(held).step() {
                            reply.cancelRequested.insert(p.id)
                        }
                        continue
                    }
                    reply.applied.insert(p.id)
                    applied.append(p.id)
                    close.reset()
                    try close.bind(p.close).run()
                }
                try SQLiteJobCounts.movedFromRunning(applied, db)
                return reply
            }
        }
    }

    public func heartbeat(jobIDs: [Int64], started: [Int64], worker: String, now: Millis, leaseUntil: Millis) async throws -> HeartbeatReply {
        try await connection.run { db in
            try db.writeTransaction {
                var reply = HeartbeatReply()
                if !started.isEmpty {
                    try db.prepare(SQLiteSQL.confirmStarts).bind([.int(now), .text(SQLiteSQL.idList(started)), .text(worker)]).run()
                }
                var held: [Int64: Bool] = [:]
                if !jobIDs.isEmpty {
                    let update = try db.prepare(SQLiteSQL.extendLeases).bind([.int(leaseUntil), .text(SQLiteSQL.idList(jobIDs)), .text(worker)])
                    while try update.step() { held[update.int(0)] = update.int(1) != 0 }
                }
                for id in jobIDs {
                    switch held[id] {
                    case true?: reply.cancel.append(id)
                    case false?: break
                    case nil: reply.lost.append(id)
                    }
                }
                try db.prepare("UPDATE taskq_workers SET last_seen = ? WHERE id = ?").bind([.int(now), .text(worker)]).run()
                return reply
            }
        }
    }

    public func expiredLeases(now: Millis, limit: Int) async throws -> [Job] {
        try await connection.run { db in
            let select = try db.prepare(SQLiteSQL.expiredLeases).bind([.int(now), .int(Int64(limit))])
            var jobs: [Job] = []
            while try select.step() { jobs.append(try SQLiteSQL.decodeJob(select)) }
            return jobs
        }
    }

    public func cancel(id: Int64, now: Millis, error: String) async throws -> CancelResult {
        try await connection.run { db in
            try db.writeTransaction(moving: [id]) {
                let select = try db.prepare("SELECT state FROM taskq_jobs WHERE id = ?").bind([.int(id)])
                guard try select.step() else { return .notFound }
                let state = JobState(rawValue: select.text(0)) ?? .failed
                switch state {
                case .scheduled, .pending, .retrying:
                    try db.prepare(SQLiteSQL.cancelNow).bind([.int(now), .text(error), .int(id)]).run()
                    return .cancelled
                case .running:
                    try db.prepare("UPDATE taskq_jobs SET cancel_requested = 1 WHERE id = ?").bind([.int(id)]).run()
                    return .cancelRequested
                case .completed, .failed, .cancelled:
                    return .notCancellable(state)
                }
            }
        }
    }

    public func retry(id: Int64, now: Millis, from: Set<JobState>) async throws -> RetryResult {
        try await connection.run { db in
            try db.writeTransaction(moving: [id]) {
                let select = try db.prepare("SELECT state, unique_key FROM taskq_jobs WHERE id = ?").bind([.int(id)])
                guard try select.step() else { return .notFound }
                let state = JobState(rawValue: select.text(0)) ?? .failed
                let uniqueKey = select.optionalText(1)
                guard from.contains(state) else { return .notRetryable(state) }
                switch state {
                case .failed, .cancelled, .completed:
                    if let uniqueKey {
                        let live = try db.prepare(SQLiteSQL.findLiveUnique).bind([.text(uniqueKey)])
                        if try live.step() { return .uniqueKeyHeld(key: uniqueKey, byJob: live.int(0)) }
                    }
                    try db.prepare(SQLiteSQL.retryFinished).bind([.int(now), .int(id)]).run()
                case .scheduled, .retrying:
                    try db.prepare(SQLiteSQL.retryWaiting).bind([.int(now), .int(id)]).run()
                case .pending, .running:
                    return .notRetryable(state)
                }
                return .retried
            }
        }
    }

    public func job(id: Int64) async throws -> Job? {
        try await connection.run { db in
            let select = try db.prepare("SELECT \(SQLiteSQL.jobColumns) FROM taskq_jobs WHERE id = ?").bind([.int(id)])
            return try select.step() ? try SQLiteSQL.decodeJob(select) : nil
        }
    }

    public func attempts(jobID: Int64) async throws -> [Attempt] {
        try await connection.run { db in
            let select = try db.prepare("""
                SELECT job_id, attempt, started_at, finished_at, worker, outcome, error
                FROM taskq_attempts WHERE job_id = ? ORDER BY attempt
                """).bind([.int(jobID)])
            var attempts: [Attempt] = []
            while try select.step() {
                attempts.append(Attempt(jobID: select.int(0), attempt: Int(select.int(1)), startedAt: select.int(2),
                                        finishedAt: select.optionalInt(3), worker: select.text(4),
                                        outcome: AttemptOutcome(rawValue: select.text(5)) ?? .failed, error: select.optionalText(6)))
            }
            return attempts
        }
    }

    /// Newest first. A filter on running and other states reads each through its own index (migration 0009: the
    /// state index leaves out running jobs), in one snapshot, and merges the two pages.
    public func list(_ filter: JobFilter) async throws -> [Job] {
        let others = filter.states.filter { $0 != .running }
        var parts: [[JobState]] = []
        if filter.states.isEmpty || !others.isEmpty { parts.append(others) }
        if filter.states.contains(.running) { parts.append([.running]) }
        let limit = max(0, filter.limit)
        return try await connection.run { db in
            func page(_ states: [JobState]) throws -> [Job] {
                let (sql, params) = SQLiteSQL.listJobs(states: states, filter: filter)
                let select = try db.prepare(sql).bind(params)
                var jobs: [Job] = []
                while try select.step() { jobs.append(try SQLiteSQL.decodeJob(select)) }
                return jobs
            }
            guard parts.count > 1 else { return try page(parts[0]) }
            return try db.readTransaction {
                let merged = try parts.flatMap(page).sorted { $0.id > $1.id }
                return Array(merged.prefix(limit))
            }
        }
    }

    public func counts() async throws -> [StateCount] {
        try await connection.run { db in
            // Kept by the triggers of migration 0007 in the same transaction as every job change.
            let select = try db.prepare("SELECT queue, state, n FROM taskq_job_counts WHERE n > 0 ORDER BY queue, state")
            var counts: [StateCount] = []
            while try select.step() {
                guard let state = JobState(rawValue: select.text(1)) else { continue }
                counts.append(StateCount(queue: select.text(0), state: state, count: Int(select.int(2))))
            }
            return counts
        }
    }

    public func purge(states: [JobState], finishedBefore before: Millis, limit: Int) async throws -> Int {
        let finished = states.filter(\.isFinished)
        guard !finished.isEmpty, limit > 0 else { return 0 }
        let sql = SQLiteSQL.purgeBatch(states: finished.count)
        let params: [SQLiteValue] = finished.map { .text($0.rawValue) } + [.int(before), .int(Int64(limit))]
        return try await connection.run { db in
            try db.writeTransaction {
                var counts = SQLiteJobCounts()
                let delete = try db.prepare(sql).bind(params)
                var deleted = 0
                while try delete.step() {
                    counts.add(queue: delete.text(0), state: delete.text(1), -1)
                    deleted += 1
                }
                try counts.apply(db)
                return deleted
            }
        }
    }

    public func purgeableCounts(states: [JobState], finishedBefore before: Millis) async throws -> [JobState: Int] {
        let finished = states.filter(\.isFinished)
        guard !finished.isEmpty else { return [:] }
        let sql = """
            SELECT state, COUNT(*) FROM taskq_jobs
            WHERE state IN (\(finished.map { _ in "?" }.joined(separator: ", "))) AND finished_at < ? GROUP BY state
            """
        let params: [SQLiteValue] = finished.map { .text($0.rawValue) } + [.int(before)]
        return try await connection.run { db in
            let select = try db.prepare(sql).bind(params)
            var counts: [JobState: Int] = [:]
            while try select.step() { if let state = JobState(rawValue: select.text(0)) { counts[state] = Int(select.int(1)) } }
            return counts
        }
    }

    // MARK: Tasks and workers

    public func announceTasks(_ tasks: [TaskInfo], worker: String, now: Millis) async throws {
        try await connection.run { db in
            try db.writeTransaction {
                for task in tasks {
                    try db.prepare("""
                        INSERT INTO taskq_tasks (name, description, worker, last_seen) VALUES (?, ?, ?, ?)
                        ON CONFLICT (name) DO UPDATE SET description = excluded.description,
                            worker = excluded.worker, last_seen = excluded.last_seen
                        """).bind([.text(task.name), .text(task.description), .text(worker), .int(now)]).run()
                }
            }
        }
    }

    public func knownTasks() async throws -> [TaskInfo] {
        try await connection.run { db in
            let select = try db.prepare("SELECT name, description FROM taskq_tasks ORDER BY name")
            var tasks: [TaskInfo] = []
            while try select.step() { tasks.append(TaskInfo(name: select.text(0), description: select.text(1))) }
            return tasks
        }
    }

    public func registerWorker(_ info: WorkerInfo) async throws {
        try await connection.run { db in
            try db.writeTransaction {
                try db.prepare("""
                    INSERT OR REPLACE INTO taskq_workers (id, host, pid, queues, concurrency, started_at, last_seen, lease_ms,
                                                          completed, failed, retried)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).bind([.text(info.id), .text(info.host), .int(Int64(info.pid)), .text(info.queues.joined(separator: ",")),
                               .int(Int64(info.concurrency)), .int(info.startedAt), .int(info.lastSeen), .int(info.leaseMillis),
                               .int(Int64(info.completed)), .int(Int64(info.failed)), .int(Int64(info.retried))]).run()
            }
        }
    }

    public func unregisterWorker(id: String) async throws {
        try await connection.run { db in
            try db.writeTransaction {
                try db.prepare("DELETE FROM taskq_workers WHERE id = ?").bind([.text(id)]).run()
            }
        }
    }

    // MARK: Wake-ups

    /// Made on the first wait (nil where inotify is unavailable); only the worker's wait loop touches it.
    private let watcher = Locked<FileChangeWatcher??>(nil)

    /// What the claim and `waitForWork` share about wake-ups.
    private struct WakeState {
        /// `data_version` seen at the last claim; a change means another connection committed.
        var lastDataVersion: Int64 = -1
        /// A file event ended the last wait and no claim has seen a new commit since. The event can come before the
        /// commit it announces is visible, so the next wait reads `data_version` again over a few ms (`settleMicros`)
        /// before it sleeps; that wait clears the flag.
        var unconfirmedEvent = false
    }

    /// Records the `data_version` a claim read; a new one confirms the event that woke the worker, if any.
    private func claimSaw(version: Int64) {
        wake.withLock { w in
            if version != w.lastDataVersion { w.unconfirmedEvent = false }
            w.lastDataVersion = version
        }
    }

    /// Delays (µs) after a WAL write at which `data_version` is read again: the writer appends its frames (the
    /// inotify event comes with the first) tens of microseconds before it publishes the commit in the WAL index, so
    /// a read can come too early. Short steps first, ~9 ms in all, so no wake-up is lost to a slow writer.
    /// Steps of 1 ms made the median enqueue-to-start 2.0 ms; 20 µs steps polled so often that they slowed the
    /// writer they waited for (BENCHMARKS.md, "SQLite wake-up").
    static let settleMicros: [UInt64] = [0, 100, 100, 200, 300, 500, 1_000, 1_000, 2_000, 2_000, 2_000]

    /// Whether another connection committed since the last claim (nil when the database cannot be read). With
    /// `settling`, reads again over a few milliseconds before answering no, so no wake-up is lost.
    private func committedSinceClaim(settling: Bool) async -> Bool? {
        for delay in settling ? Self.settleMicros : [0] {
            // A wait cancelled because the worker has other news (a job finished) stops reading at once.
            if delay > 0 { try? await Task.sleep(nanoseconds: delay * 1_000) }
            if Task.isCancelled { return nil }
            guard let changed = try? await connection.run({ db in try Self.dataVersion(db) != self.wake.withLock { $0.lastDataVersion } })
            else { return nil }
            if changed { return true }
        }
        return false
    }

    /// Waits for a commit by another connection (`data_version` changes), woken by inotify on the WAL file and
    /// falling back to probing every few milliseconds where that is unavailable. A file event ends the wait at once,
    /// without reading the database: the claim that follows reads `data_version` in its own look for due jobs, and
    /// when it finds no new commit the next wait settles (`WakeState.unconfirmedEvent`).
    public func waitForWork(queues: [String], timeout: Double) async {
        let path = self.path
        let watcher = self.watcher.withLock { made -> FileChangeWatcher? in
            if made == nil { made = .some(path == ":memory:" ? nil : FileChangeWatcher(path: path + "-wal")) }
            return made ?? nil
        }
        // Watched only while waiting: a busy worker's own WAL writes raise no events.
        let armed = watcher?.arm() ?? false
        defer { if armed { watcher?.disarm() } }
        let deadline = Clock.monotonicSeconds() + timeout
        // Each unconfirmed event is settled once, by this wait, as it was before the event ended a wait early: a wait
        // cancelled while it settles (the worker has other news) claims next anyway.
        var settling = wake.withLock { w in defer { w.unconfirmedEvent = false }; return w.unconfirmedEvent }
        while true {
            if await committedSinceClaim(settling: settling) != false || Task.isCancelled { return }
            settling = false
            let remaining = deadline - Clock.monotonicSeconds()
            guard remaining > 0 else { return }
            if armed, let event = watcher?.event {
                let woken = await withTaskGroup(of: Bool.self) { group in
                    // A wait cancelled by the worker is no file event: `wait()` returns then too.
                    group.addTask { await event.wait(); return !Task.isCancelled }
                    group.addTask { try? await Task.sleep(nanoseconds: UInt64(remaining * 1e9)); return false }
                    let first = await group.next() ?? false
                    group.cancelAll()
                    return first
                }
                if woken && !Task.isCancelled {
                    wake.withLock { $0.unconfirmedEvent = true }
                    return
                }
            } else {
                try? await Task.sleep(nanoseconds: UInt64(min(remaining, Self.wakeProbeSeconds) * 1e9))
            }
        }
    }
}
