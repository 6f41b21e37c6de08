/// Everything a deployment keeps in its one backend: jobs, their output, schedules, workers and tasks, queue pauses,
/// users and API tokens, the schema and wake-ups.
/// Each part is its own small protocol so a reader finds a feature's store calls in one place and a new feature
/// adds one part. Backends implement every part; the engine (Worker, Beat, Maintenance) is written once over them.
///
/// Every method is one atomic operation (one transaction or one server-side script) and every call that reads the
/// clock takes `now`, so tests control time. Stores decide nothing: the engine decides each transition and the
/// store applies it, reporting what happened (applied, not found, not in that state, cancel requested).
/// See docs/architecture.md.
public protocol TaskqStore: JobStore, JobOutputStore, ScheduleStore, WorkerRegistry, QueueControl, UserStore, SchemaStore,
    WakeupSource {
    /// `sqlite`, `postgres`, `redis`.
    var backend: String { get }
    /// Closes connections; the store is unusable afterwards.
    func close() async
}
