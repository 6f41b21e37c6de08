/// Workers alive and the tasks they announced.
public protocol WorkerRegistry: AnyObject, Sendable {
    /// Records that `worker` can run these tasks at `now`, so enqueuers elsewhere accept their names.
    func announceTasks(_ tasks: [TaskInfo], worker: String, now: Millis) async throws
    /// Task names announced by workers.
    func knownTasks() async throws -> [TaskInfo]
    /// Creates or replaces the worker's record (its `lastSeen`, lease and tallies as given).
    func registerWorker(_ info: WorkerInfo) async throws
    func unregisterWorker(id: String) async throws
    /// Records that the worker is alive at `now` with its running tallies, in one round trip. Returns false when
    /// the worker has no record (purged while it was out of touch): the worker registers again. `failed` counts
    /// every failed attempt; `retried` those of them scheduled for a retry.
    func touchWorker(id: String, now: Millis, completed: Int, failed: Int, retried: Int) async throws -> Bool
    /// Every worker record, live or gone quiet, by id. Whether one is lost is the engine's call (`WorkerRoster`).
    func workers() async throws -> [WorkerInfo]
    /// Running jobs per worker id (workers with none omitted).
    func runningJobsByWorker() async throws -> [String: Int]
    /// Deletes each worker record whose `lastSeen` is still the one given (a worker that came back meanwhile keeps
    /// its record). Returns how many were deleted.
    func removeWorkers(lastSeen: [String: Millis]) async throws -> Int
}

/// A task a worker can run, as announced to the store.
public struct TaskInfo: Sendable, Equatable {
    public var name: String
    public var description: String
    public init(name: String, description: String) { self.name = name; self.description = description }
}

/// A worker process as registered in the store.
public struct WorkerInfo: Sendable, Equatable {
    public var id: String
    public var host: String
    public var pid: Int
    public var queues: [String]
    public var concurrency: Int
    public var startedAt: Millis
    /// The last registration, heartbeat or touch.
    public var lastSeen: Millis
    /// The worker's lease length: it is lost once `lastSeen` is older than this.
    public var leaseMillis: Millis
    /// Attempts it completed, as last reported.
    public var completed: Int
    /// Attempts that failed (retried or failed for good), as last reported.
    public var failed: Int
    /// Of `failed`, the attempts scheduled for a retry (the rest failed for good).
    public var retried: Int

    public init(id: String, host: String, pid: Int, queues: [String], concurrency: Int, startedAt: Millis, lastSeen: Millis,
                leaseMillis: Millis, completed: Int = 0, failed: Int = 0, retried: Int = 0) {
        self.id = id
        self.host = host
        self.pid = pid
        self.queues = queues
        self.concurrency = concurrency
        self.startedAt = startedAt
        self.lastSeen = lastSeen
        self.leaseMillis = leaseMillis
        self.completed = completed
        self.failed = failed
        self.retried = retried
    }
}
