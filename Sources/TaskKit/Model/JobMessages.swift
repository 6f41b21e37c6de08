/// The words a job's history carries, written once for every backend: stores record what they are given.
public enum JobMessages {
    /// A job cancelled before any attempt ran it.
    public static let cancelledBeforeRun = "cancelled before it ran"
    /// A job whose attempt was stopped, or finished, after cancellation was requested.
    public static let cancelledWhileRunning = "cancelled while running"
    /// The attempt a worker gave back at shutdown.
    public static let releasedAtShutdown = "released at worker shutdown"
    /// A job a worker claimed ahead of its free slots and gave back unstarted, because its slots stayed busy.
    public static let releasedSlotsBusy = "released before it started: the worker's slots stayed busy with longer jobs"
    /// A job a worker claimed ahead and gave back unstarted, because it could not renew the lease meanwhile.
    public static let releasedLeaseUnrenewed = "released before it started: the worker could not renew its lease"
    /// A job given back before, claimed ahead again, whose start the worker could not record before running it.
    public static let releasedStartUnrecorded = "released before it started: the worker could not record its start"
    /// A job a worker claimed ahead whose start it had not reported when it stopped renewing its lease (killed or
    /// lost): given back without counting an attempt.
    public static func releasedWorkerLost(worker: String?) -> String {
        workerLost.given.prefix + (worker ?? "?") + workerLost.given.suffix
    }

    /// The error of an attempt whose worker stopped renewing its lease.
    public static func leaseExpired(worker: String?) -> String {
        workerLost.expired.prefix + (worker ?? "?") + workerLost.expired.suffix
    }

    /// The words around the worker's name in `releasedWorkerLost` and `leaseExpired`, written once for both the
    /// messages and `followsWorkerDeath`.
    private static let workerLost = (
        given: (prefix: "given back, not counted: worker ", suffix: " stopped renewing its lease (killed or lost) before the job's start was recorded"),
        expired: (prefix: "lease expired: worker ", suffix: " stopped renewing it (killed or lost)"))

    /// Whether `error` (a job's last error) says its worker died under it: given back by a rescue (`releasedWorkerLost`)
    /// or lost (`leaseExpired`). Such a job may kill workers as it starts, so the next worker records its start before
    /// running it (`Worker`): every such death then counts. Ordinary failures and retries pay nothing.
    public static func followsWorkerDeath(_ error: String?) -> Bool {
        guard let error else { return false }
        return [workerLost.given, workerLost.expired].contains { error.hasPrefix($0.prefix) && error.hasSuffix($0.suffix) }
    }

    /// A job id that names nothing.
    public static func noSuchJob(_ id: Int64) -> String { "no job with id \(id)" }

    /// Enqueueing found a live job holding the unique key: the existing job is returned instead.
    public static func uniqueKeyExists(_ key: String, id: Int64) -> String {
        "a live job with unique key '\(TerminalText.escaped(key))' exists: \(id)"
    }

    /// Why a failed or cancelled job cannot be retried while another live job holds its unique key.
    public static func uniqueKeyHeld(key: String, byJob other: Int64, retrying id: Int64) -> String {
        "job \(other) already holds unique key '\(TerminalText.escaped(key))'; not retrying job \(id)"
    }

    /// `1 attempt`, `3 attempts`.
    public static func attempts(_ count: Int) -> String {
        count == 1 ? "1 attempt" : "\(count) attempts"
    }
}
