/// Workers alive and the tasks they announced.
public protocol WorkerRegistry: AnyObject, Sendable {
    /// Records that `worker` can run these tasks at `now`, so enqueuers elsewhere accept their names.
    func announceTasks(_ tasks: [TaskInfo], worker: String, now: Millis) async throws
    /// Task names announced by workers.
    func knownTasks() async throws -> [TaskInfo]
    func registerWorker(_ info: WorkerInfo) async throws
    func unregisterWorker(id: String) async throws
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
    public var lastSeen: Millis
}
