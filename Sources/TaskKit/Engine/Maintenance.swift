/// The maintenance operations behind `taskq purge`, `taskq rescue` and bulk `taskq retry`. Each is a sequence of the
/// store's atomic operations, so running two at once (two cron lines overlapping) is safe: neither loses a job nor
/// does anything twice.
public enum Maintenance {
    /// Deletes finished jobs in `states` that finished before `before`, `batchSize` per transaction, until none is
    /// left. `progress` receives the running total after each batch. Returns the number deleted by this call.
    /// A cancelled task stops before the next batch with `TaskqError.interrupted`, saying how many were deleted; a
    /// store error after some batches says how many were deleted before it (each batch is atomic).
    public static func purge(store: JobStore, states: [JobState], finishedBefore before: Millis, batchSize: Int = 1000,
                             progress: (Int) -> Void = { _ in }) async throws -> Int {
        var deleted = 0
        while true {
            if Task.isCancelled { throw TaskqError.interrupted("interrupted: deleted \(deleted) job(s) before stopping") }
            let n = try await TaskqError.sayingHowFar(deleted > 0 ? "deleted \(deleted) job(s)" : nil) {
                try await store.purge(states: states, finishedBefore: before, limit: batchSize)
            }
            deleted += n
            progress(deleted)
            // A short batch means nothing eligible is left (or another purge holds the rest and deletes it).
            if n < batchSize { return deleted }
        }
    }

    /// Removes the records of workers lost for longer than `age` (their last heartbeat plus their lease is more than
    /// `age` before `now`), each only while its last heartbeat is still the one read (a worker that came back keeps
    /// its record). Returns how many were removed, or with `dryRun` how many would be.
    public static func purgeWorkers(store: WorkerRegistry, olderThan age: Millis, now: Millis, dryRun: Bool = false) async throws -> Int {
        let dead = try await WorkerRoster.read(from: store, now: now, withRunning: false).dead(olderThan: age, now: now)
        if dryRun || dead.isEmpty { return dead.count }
        return try await store.removeWorkers(lastSeen: Dictionary(dead.map { ($0.info.id, $0.info.lastSeen) }, uniquingKeysWith: { a, _ in a }))
    }

    /// Running jobs whose lease expired before `now`: what `rescue` would return to the queue.
    /// Read with the store's own expired-lease query (an index on lease expiry), not a scan of every running job.
    public static func expiredLeases(store: JobStore, now: Millis) async throws -> [Job] {
        try await store.expiredLeases(now: now, limit: 1_000_000).sorted { $0.id < $1.id }
    }

    /// Rescues every job whose lease expired before `now`, in batches (see `Rescuer`).
    public static func rescue(store: JobStore, now: Millis, batchSize: Int = 1000) async throws -> [RescuedJob] {
        var rescued: [RescuedJob] = []
        while true {
            // A full batch may leave more behind; a batch that rescued nothing (all renewed meanwhile) ends it too,
            // so this always ends.
            let batch = try await Rescuer.rescueBatch(store: store, now: now, limit: batchSize)
            rescued += batch.rescued
            if batch.listed < batchSize || batch.rescued.isEmpty { return rescued.sorted { $0.id < $1.id } }
        }
    }

    /// Ids of jobs in `states` (and `queue`), oldest first: what a bulk retry would retry.
    public static func retryCandidates(store: JobStore, states: [JobState], queue: String?, task: String? = nil) async throws -> [Int64] {
        try await allJobs(store: store, states: states, queue: queue, task: task).map(\.id).reversed()
    }

    /// Every job in `states` (and `queue`), newest first, read a page at a time.
    private static func allJobs(store: JobStore, states: [JobState], queue: String?, task: String? = nil) async throws -> [Job] {
        var jobs: [Job] = []
        var before: Int64?
        while true {
            let page = try await store.list(JobFilter(states: states, queue: queue, task: task, limit: 1000, beforeID: before))
            jobs += page
            guard page.count == 1000, let last = page.last else { return jobs }
            before = last.id
        }
    }

    public struct BulkRetry: Sendable, Equatable {
        /// Jobs made pending again.
        public var retried: [Int64] = []
        /// Jobs left as they were, with the reason (retried meanwhile by someone else, unique key taken, gone).
        public var skipped: [(id: Int64, reason: String)] = []

        public static func == (a: BulkRetry, b: BulkRetry) -> Bool {
            a.retried == b.retried && a.skipped.map(\.id) == b.skipped.map(\.id)
        }
    }

    /// Retries `ids` one atomic retry each, only while a job is still in one of `states`: a job retried meanwhile
    /// (by another bulk retry, or already running again) is skipped, never retried twice. A cancelled task stops
    /// before the next job with `TaskqError.interrupted`, saying how many were retried.
    public static func retry(store: JobStore, ids: [Int64], states: Set<JobState>, now: Millis,
                             progress: (Int) -> Void = { _ in }) async throws -> BulkRetry {
        var result = BulkRetry()
        for (index, id) in ids.enumerated() {
            if Task.isCancelled {
                throw TaskqError.interrupted("interrupted: retried \(result.retried.count) of \(ids.count) job(s) before stopping")
            }
            let done = result.retried.isEmpty ? nil : "retried \(result.retried.count) of \(ids.count) job(s)"
            switch try await TaskqError.sayingHowFar(done, { try await store.retry(id: id, now: now, from: states) }) {
            case .retried: result.retried.append(id)
            case let .notRetryable(state): result.skipped.append((id, "now \(state.rawValue)"))
            case .notFound: result.skipped.append((id, "deleted"))
            case let .uniqueKeyHeld(key, other):
                result.skipped.append((id, JobMessages.uniqueKeyHeld(key: key, byJob: other, retrying: id)))
            }
            progress(index + 1)
        }
        return result
    }
}

extension Maintenance.BulkRetry {
    /// `retry --state … --json` and `POST /api/v1/jobs/retry`: `{"dry_run": false, "count", "jobs", "skipped":
    /// [{"id", "reason"}]}`.
    public func jsonObject() -> JSONValue {
        .obj(("dry_run", .bool(false)), ("count", .int(Int64(retried.count))), ("jobs", .array(retried.map { .int($0) })),
             ("skipped", .array(skipped.map { .obj(("id", .int($0.id)), ("reason", .string($0.reason))) })))
    }
}
