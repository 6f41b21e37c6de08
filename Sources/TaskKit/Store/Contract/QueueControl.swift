/// Queue-level state and reads: pausing (`taskq queue pause|resume`) and the oldest waiting job per queue
/// (`taskq stats --watch`, `taskq queue list`).
///
/// A paused queue keeps accepting jobs, but every backend's claim skips it inside the claim's own atomic statement
/// or script, so a pause holds for every worker on every host from the next claim on; running jobs finish.
public protocol QueueControl: AnyObject, Sendable {
    /// Pauses or resumes `queue` (one need not hold jobs). Returns false when it already was in that state
    /// (pausing twice is harmless). Resuming wakes the workers waiting on the queue.
    func setQueuePaused(_ queue: String, paused: Bool, now: Millis) async throws -> Bool
    /// Every paused queue with the time it was paused.
    func pausedQueues() async throws -> [String: Millis]
    /// For each of `queues` with a due waiting job (pending, or scheduled/retrying with `run_at` ≤ `now`): the
    /// earliest `run_at` among them. Cheap on every backend: a few index seeks per queue, never a scan of the jobs.
    func oldestWaiting(queues: [String], now: Millis) async throws -> [String: Millis]
}
