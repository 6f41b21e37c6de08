import CHiredis
#if canImport(Glibc)
import Glibc
#endif

/// The high-throughput store: Redis through hiredis. Every state change is one Lua script (loaded once, called by
/// SHA, reloaded after a server restart). Idle workers block on per-queue wake lists. Key layout: docs/redis.md.
public final class RedisStore: TaskqStore, @unchecked Sendable {
    public let backend = "redis"
    /// The key-layout version `taskq migrate` records (2: ready sets per queue and task; 3: attempts inside the job
    /// hash).
    public static let layoutVersion = 3
    /// Jobs whose attempts one `migrate` script call moves into their job hashes (layout 2 to 3), so no call holds
    /// the server long.
    static let migrationChunk = 2_000
    let connection: RedisConnection
    let target: RedisTarget
    private let listener: RedisListener

    private init(connection: RedisConnection, target: RedisTarget) {
        self.connection = connection
        self.target = target
        self.listener = RedisListener(target: target)
    }

    public static func open(target: RedisTarget) async throws -> RedisStore {
        return RedisStore(connection: try await RedisConnection.connect(target), target: target)
    }

    public func close() async {
        await listener.close()
        await connection.close()
    }

    var p: String { target.prefix }

    /// Runs a script by its SHA-1 (loaded first only when the server answers NOSCRIPT, e.g. after a restart).
    func eval(_ db: RedisConnection, _ source: String, _ args: [String]) throws -> RedisValue {
        try eval(db, source) { sha in try db.command(["EVALSHA", sha, "0", self.target.prefix] + args) }
    }

    /// `eval` with arguments and reply as bytes (binary-safe, for job output).
    func eval(_ db: RedisConnection, _ source: String, bytes args: [[UInt8]]) throws -> RedisValue {
        try eval(db, source) { sha in
            try db.command(bytes: [Array("EVALSHA".utf8), Array(sha.utf8), Array("0".utf8), Array(self.target.prefix.utf8)] + args)
        }
    }

    /// Calls a script by its SHA-1, worked out here: the server usually has it already (scripts stay until it
    /// restarts or `SCRIPT FLUSH`), so a process's first call needs no `SCRIPT LOAD` round trip. On NOSCRIPT the
    /// script is loaded and called again.
    private func eval(_ db: RedisConnection, _ source: String, call: (String) throws -> RedisValue) throws -> RedisValue {
        let sha = Self.scriptSHA(source)
        do {
            return try call(sha)
        } catch let TaskqError.failed(message) where message.hasPrefix("NOSCRIPT") {
            guard try db.command(["SCRIPT", "LOAD", source]).string == sha else {
                throw TaskqError.unavailable("Redis did not load a script under its SHA-1")
            }
        }
        do {
            return try call(sha)
        } catch let TaskqError.failed(message) where message.hasPrefix("NOSCRIPT") {
            throw TaskqError.unavailable("Redis keeps forgetting taskq's scripts")
        }
    }

    /// Each script's SHA-1 in hex, worked out once per process.
    private static let scriptSHAs = Locked<[String: String]>([:])

    static func scriptSHA(_ source: String) -> String {
        if let known = scriptSHAs.withLock({ $0[source] }) { return known }
        let sha = Hex.encode(SHA1.digest(Array(source.utf8)))
        scriptSHAs.withLock { $0[source] = sha }
        return sha
    }

    // MARK: Schema

    public func migrate(now: Millis) async throws -> [MigrationStatus] {
        try await connection.run { db in
            do {
                var cursor = "-inf"
                while true {
                    let r = try self.eval(db, RedisScripts.migrate, [String(Self.layoutVersion), String(now), cursor,
                                                                     String(Self.migrationChunk)]).array
                    guard r.count == 3, let next = r[1].string else { throw TaskqError.failed("unexpected reply from the migrate script") }
                    if next.isEmpty {
                        // Only the call that recorded the version reports it, so of two migrations at once one does.
                        return r[2].int == 1 ? [MigrationStatus(version: Self.layoutVersion, name: "layout", appliedAt: now)] : []
                    }
                    cursor = next
                }
            } catch let TaskqError.failed(message) where message.contains("NEWER layout") {
                throw TaskqError.unavailable("the taskq key layout at \(self.target.display) (prefix \(self.p)) is newer than this taskq knows (\(Self.layoutVersion)): upgrade taskq")
            }
        }
    }

    public func migrationStatus() async throws -> [MigrationStatus] {
        try await connection.run { db in
            let r = try db.command(["HMGET", "\(self.p):meta", "layout_version", "migrated_at"]).array
            let version = r.first?.int ?? 0
            let appliedAt = (r.count > 1 ? r[1].int : nil) ?? 0
            let current = MigrationStatus(version: Self.layoutVersion, name: "layout", appliedAt: version >= Self.layoutVersion ? appliedAt : nil)
            guard version > Self.layoutVersion else { return [current] }
            return [current, MigrationStatus(version: Int(version), name: "layout (unknown to this taskq)", appliedAt: appliedAt, known: false)]
        }
    }

    private let schemaChecked = Locked(false)

    public func requireSchema(recheck: Bool) async throws {
        if !recheck, schemaChecked.withLock({ $0 }) { return }
        let version = try await connection.run { db in try db.command(["HGET", "\(self.p):meta", "layout_version"]).int ?? 0 }
        try SchemaVersion.require(current: Int(version), latest: Self.layoutVersion,
                                  place: "Redis at \(target.display) (key prefix '\(TerminalText.escaped(p))')")
        schemaChecked.withLock { $0 = true }
    }

    // MARK: Jobs

    public func enqueue(_ jobs: [NewJob], now: Millis) async throws -> [EnqueueResult] {
        guard !jobs.isEmpty else { return [] }
        var args = [String(now)]
        args.reserveCapacity(1 + RedisScripts.enqueueWidth * jobs.count)
        for job in jobs { Self.appendEnqueueArguments(job, now: now, to: &args) }
        return try await connection.run { db in
            let r = try self.eval(db, RedisScripts.enqueue, args).array
            return stride(from: 0, to: r.count - 1, by: 2).map { EnqueueResult(id: r[$0].int ?? 0, created: r[$0 + 1].int == 1) }
        }
    }

    /// A job as the enqueue scripts read it: `RedisScripts.enqueueWidth` plain values (see
    /// `RedisScripts.enqueueFunction`), numbers as decimal text, '' for no timeout or unique key (a unique key is never
    /// empty). The ready set's score is worked out here rather than formatted in Lua for every job.
    static func appendEnqueueArguments(_ job: NewJob, now: Millis, to args: inout [String]) {
        let runAt = job.dueAt(now: now)
        let state = job.initialState(now: now)
        let score = state == .scheduled ? runAt : readyScore(priority: job.priority, runAt: runAt)
        args.append(job.name)
        args.append(job.task)
        args.append(job.args.serialized())
        args.append(job.queue)
        args.append(String(job.priority))
        args.append(String(job.maxRetries))
        args.append(job.retryPolicy.backoff.rawValue)
        args.append(String(job.retryPolicy.baseDelayMillis))
        args.append(job.timeoutMillis.map { String($0) } ?? "")
        args.append(String(runAt))
        args.append(job.uniqueKey ?? "")
        args.append(state.rawValue)
        args.append(String(score))
    }

    /// The ready set's score, `(10 - priority) × 10¹³ + run_at`, as the scripts' `rscore` computes it. Values no job
    /// builder lets through (the store does not check them) are worked out in floating point, as Lua would, and
    /// saturated rather than trapping.
    static func readyScore(priority: Int, runAt: Millis) -> Int64 {
        if Priority.range.contains(priority) {
            let exact = (Int64(Priority.range.upperBound - priority) * 10_000_000_000_000).addingReportingOverflow(runAt)
            if !exact.overflow { return exact.partialValue }
        }
        let score = (Double(Priority.range.upperBound) - Double(priority)) * 1e13 + Double(runAt)
        return score >= 9.2e18 ? .max : score <= -9.2e18 ? .min : Int64(score)
    }

    public func claim(queues: [String], tasks: [String], limit: Int, startingNow: Int, worker: String, now: Millis, leaseUntil: Millis) async throws -> [Job] {
        guard limit > 0, !queues.isEmpty, !tasks.isEmpty else { return [] }
        let queues = queues.uniqued(), tasks = tasks.uniqued()
        let args = [String(now), String(limit), worker, String(leaseUntil), String(max(0, startingNow)), String(queues.count)] + queues + tasks
        let reply = try await connection.run { db in try self.eval(db, RedisScripts.claim, args) }
        return reply.array.enumerated().map { index, values in
            // The fields as they were, with what the claim wrote set here (the script returns values only).
            var job = RedisStore.decodeJob(fields: RedisScripts.claimFields, values: values.array)
            job.state = .running
            job.attempt += 1
            job.worker = worker
            job.startedAt = index < startingNow ? now : nil
            job.leaseUntil = leaseUntil
            job.finishedAt = nil
            return job
        }
    }

    public func finish(_ outcomes: [JobOutcome], now: Millis) async throws -> FinishReply {
        guard !outcomes.isEmpty else { return FinishReply() }
        // Plain arguments, 15 per transition (see `RedisScripts.finish`): no JSON to build here or decode in Lua.
        func time(_ value: Millis?) -> String { value.map { String($0) } ?? "" }
        func text(_ value: String?) -> String { value.map { "=" + $0 } ?? "" }
        var args = [String(now)]
        args.reserveCapacity(1 + 15 * outcomes.count)
        for o in outcomes {
            let t = o.transition(now: now)
            args += [String(o.jobID), String(o.attempt), o.worker, t.state.rawValue, text(t.error), text(t.result?.serialized()),
                     time(t.runAt), time(t.finishedAt), t.refundsAttempt ? "1" : "0", t.yieldsToCancel ? "1" : "0",
                     time(o.leaseExpiredBefore), t.attemptOutcome.rawValue, text(t.attemptError), String(t.attemptEndedAt),
                     time(t.startedAt)]
        }
        return try await connection.run { db in
            let r = try self.eval(db, RedisScripts.finish, args).array
            return FinishReply(applied: Set(r.first?.array.compactMap { $0.int } ?? []),
                               cancelRequested: Set(r.count > 1 ? r[1].array.compactMap { $0.int } : []))
        }
    }

    public func heartbeat(jobIDs: [Int64], started: [Int64], worker: String, now: Millis, leaseUntil: Millis) async throws -> HeartbeatReply {
        try await connection.run { db in
            let args = [worker, String(leaseUntil), String(now), String(started.count)] + started.map { String($0) } + jobIDs.map { String($0) }
            let r = try self.eval(db, RedisScripts.heartbeat, args).array
            return HeartbeatReply(cancel: r.first?.array.compactMap { $0.int } ?? [], lost: r.count > 1 ? r[1].array.compactMap { $0.int } : [])
        }
    }

    public func expiredLeases(now: Millis, limit: Int) async throws -> [Job] {
        try await connection.run { db in
            try self.eval(db, RedisScripts.expiredLeases, [String(now), String(limit)]).array.map { RedisStore.decodeJob($0) }
        }
    }

    public func cancel(id: Int64, now: Millis, error: String) async throws -> CancelResult {
        try await connection.run { db in
            let before = try self.eval(db, RedisScripts.cancel, [String(id), String(now), error]).string ?? ""
            guard let state = JobState(rawValue: before) else { return .notFound }
            switch state {
            case .scheduled, .pending, .retrying: return .cancelled
            case .running: return .cancelRequested
            case .completed, .failed, .cancelled: return .notCancellable(state)
            }
        }
    }

    public func retry(id: Int64, now: Millis, from: Set<JobState>) async throws -> RetryResult {
        let only = from.map(\.rawValue).sorted().joined(separator: ",")
        return try await connection.run { db in
            let r = try self.eval(db, RedisScripts.retry, [String(id), String(now), only]).array
            guard let state = JobState(rawValue: r.first?.string ?? "") else { return .notFound }
            switch r.count > 1 ? r[1].string ?? "" : "" {
            case "retried": return .retried
            case "skip": return .notRetryable(state)
            case let other:
                let key = try db.command(["HGET", "\(self.p):job:\(id)", "unique_key"]).string ?? ""
                return .uniqueKeyHeld(key: key, byJob: Int64(other) ?? 0)
            }
        }
    }

    public func job(id: Int64) async throws -> Job? {
        try await connection.run { db in
            let r = try db.command(["HGETALL", "\(self.p):job:\(id)"])
            return r.array.isEmpty ? nil : RedisStore.decodeJob(r)
        }
    }

    public func attempts(jobID: Int64) async throws -> [Attempt] {
        try await connection.run { db in
            // The job hash's fields N.started_at, N.worker, N.finished_at, N.outcome, N.error (see docs/redis.md);
            // its other fields start with a letter and are skipped.
            let r = try db.command(["HGETALL", "\(self.p):job:\(jobID)"]).array
            var fields: [Int: [String: String]] = [:]
            for i in stride(from: 0, to: r.count - 1, by: 2) {
                guard let key = r[i].string, let dot = key.firstIndex(of: "."), let n = Int(key[..<dot]) else { continue }
                fields[n, default: [:]][String(key[key.index(after: dot)...])] = r[i + 1].string
            }
            return fields.keys.sorted().map { n in
                let f = fields[n] ?? [:]
                return Attempt(jobID: jobID, attempt: n, startedAt: f["started_at"].flatMap { Int64($0) } ?? 0,
                               finishedAt: f["finished_at"].flatMap { Int64($0) }, worker: f["worker"] ?? "",
                               outcome: AttemptOutcome(rawValue: f["outcome"] ?? "") ?? .failed, error: f["error"])
            }
        }
    }

    /// Index entries one `list` script call scans at most, so no call holds the server long; the walk goes on in
    /// further calls until `limit` jobs match or the index ends.
    static let listScanBudget = 50_000

    public func list(_ filter: JobFilter) async throws -> [Job] {
        guard filter.limit > 0 else { return [] }
        let index: String
        if filter.states.count == 1 { index = "idx:state:\(filter.states[0].rawValue)" }
        else if let queue = filter.queue { index = "idx:queue:\(queue)" }
        else if let task = filter.task { index = "idx:task:\(task)" }
        else { index = "idx:all" }
        var jobs: [Job] = []
        var cursor = filter.beforeID.map { "(\($0)" } ?? "+inf"
        while jobs.count < filter.limit {
            let args = [index, cursor, String(filter.limit - jobs.count), filter.states.map(\.rawValue).joined(separator: ","),
                        filter.queue ?? "", filter.task ?? "", String(Self.listScanBudget)]
            let page = try await connection.run { db in try self.eval(db, RedisScripts.list, args).array }
            jobs += page.dropFirst().map { RedisStore.decodeJob($0) }
            guard let next = page.first?.string, !next.isEmpty else { break }
            cursor = next
        }
        return jobs
    }

    public func counts() async throws -> [StateCount] {
        try await connection.run { db in
            let r = try db.command(["HGETALL", "\(self.p):counts"]).array
            return stride(from: 0, to: r.count - 1, by: 2).compactMap { i -> StateCount? in
                guard let key = r[i].string, let n = r[i + 1].int, n > 0, let bar = key.lastIndex(of: "|"),
                      let state = JobState(rawValue: String(key[key.index(after: bar)...])) else { return nil }
                return StateCount(queue: String(key[..<bar]), state: state, count: Int(n))
            }.sorted { ($0.queue, $0.state.rawValue) < ($1.queue, $1.state.rawValue) }
        }
    }

    public func purge(states: [JobState], finishedBefore before: Millis, limit: Int) async throws -> Int {
        let finished = states.filter(\.isFinished)
        guard !finished.isEmpty, limit > 0 else { return 0 }
        return try await connection.run { db in
            Int(try self.eval(db, RedisScripts.purge, [String(before), String(limit), finished.map(\.rawValue).joined(separator: ",")]).int ?? 0)
        }
    }

    // MARK: Tasks and workers

    public func announceTasks(_ tasks: [TaskInfo], worker: String, now: Millis) async throws {
        guard !tasks.isEmpty else { return }
        let announcer = JSONValue.obj(("worker", .string(worker)), ("last_seen", .int(now))).serialized()
        try await connection.run { db in
            try db.command(["HSET", "\(self.p):tasks"] + tasks.flatMap { [$0.name, $0.description] })
            try db.command(["HSET", "\(self.p):tasks:announced"] + tasks.flatMap { [$0.name, announcer] })
        }
    }

    public func knownTasks() async throws -> [TaskInfo] {
        try await connection.run { db in
            let r = try db.command(["HGETALL", "\(self.p):tasks"]).array
            return stride(from: 0, to: r.count - 1, by: 2).map { TaskInfo(name: r[$0].string ?? "", description: r[$0 + 1].string ?? "") }
                .sorted { $0.name < $1.name }
        }
    }

    public func registerWorker(_ info: WorkerInfo) async throws {
        let record = JSONValue.obj(("host", .string(info.host)), ("pid", .int(Int64(info.pid))), ("queues", .string(info.queues.joined(separator: ","))),
                                   ("concurrency", .int(Int64(info.concurrency))), ("started_at", .int(info.startedAt)),
                                   ("lease_ms", .int(info.leaseMillis))).serialized()
        try await connection.run { db in
            try db.command(["HSET", "\(self.p):workers", info.id, record])
            try db.command(["HSET", "\(self.p):workers:seen", info.id, String(info.lastSeen)])
            try db.command(["HSET", "\(self.p):workers:tally", info.id, "\(info.completed),\(info.failed),\(info.retried)"])
        }
    }

    public func unregisterWorker(id: String) async throws {
        try await connection.run { db in
            try db.command(["HDEL", "\(self.p):workers", id])
            try db.command(["HDEL", "\(self.p):workers:seen", id])
            try db.command(["HDEL", "\(self.p):workers:tally", id])
        }
    }

    // MARK: Wake-ups

    public func waitForWork(queues: [String], timeout: Double) async {
        await listener.wait(keys: queues.map { "\(p):wake:\($0)" }, timeout: timeout)
    }

    /// A flat HGETALL reply as a dictionary.
    static func fieldMap(_ items: [RedisValue]) -> [String: String] {
        var f: [String: String] = [:]
        for i in stride(from: 0, to: items.count - 1, by: 2) { if let k = items[i].string { f[k] = items[i + 1].string } }
        return f
    }

    /// Decodes a flat HGETALL reply.
    static func decodeJob(_ value: RedisValue) -> Job {
        let items = value.array
        return decodeJob(fields: stride(from: 0, to: items.count - 1, by: 2).map { items[$0].string ?? "" },
                         values: stride(from: 1, to: items.count, by: 2).map { items[$0] })
    }

    /// Decodes a job from field names and their values (nil values are absent fields), field by field: no
    /// dictionary, since a claim decodes a thousand of these.
    static func decodeJob(fields: [String], values: [RedisValue]) -> Job {
        var job = Job(id: 0, name: "", task: "", args: .object([]), queue: "default", priority: 5, state: .failed, attempt: 0,
                      attemptOffset: 0, maxRetries: 3, retryPolicy: RetryPolicy(), timeoutMillis: nil, runAt: 0, uniqueKey: nil,
                      result: nil, error: nil, createdAt: 0, startedAt: nil, finishedAt: nil, worker: nil, leaseUntil: nil,
                      cancelRequested: false)
        func int(_ text: String) -> Int64? { Int64(text) ?? Double(text).map { Int64($0) } }
        func json(_ text: String) -> JSONValue { (try? JSONValue.parse(text)) ?? .string(text) }
        var backoff = Backoff.exponential
        var baseDelay = RetryPolicy.defaultBaseDelayMillis
        for (key, value) in zip(fields, values) {
            guard let v = value.string else { continue }
            switch key {
            case "id": job.id = int(v) ?? 0
            case "name": job.name = v
            case "task": job.task = v
            case "args": job.args = json(v)
            case "queue": job.queue = v
            case "priority": job.priority = Int(int(v) ?? 5)
            case "state": job.state = JobState(rawValue: v) ?? .failed
            case "attempt": job.attempt = Int(int(v) ?? 0)
            case "attempt_offset": job.attemptOffset = Int(int(v) ?? 0)
            case "max_retries": job.maxRetries = Int(int(v) ?? 3)
            case "backoff": backoff = Backoff(rawValue: v) ?? .exponential
            case "retry_delay_ms": baseDelay = int(v) ?? RetryPolicy.defaultBaseDelayMillis
            case "timeout_ms": job.timeoutMillis = int(v)
            case "run_at": job.runAt = int(v) ?? 0
            case "unique_key": job.uniqueKey = v
            case "result": job.result = json(v)
            case "error": job.error = v
            case "created_at": job.createdAt = int(v) ?? 0
            case "started_at": job.startedAt = int(v)
            case "finished_at": job.finishedAt = int(v)
            case "worker": job.worker = v
            case "lease_until": job.leaseUntil = int(v)
            case "cancel_requested": job.cancelRequested = v == "1"
            default: break
            }
        }
        job.retryPolicy = RetryPolicy(backoff: backoff, baseDelayMillis: baseDelay)
        return job
    }
}
