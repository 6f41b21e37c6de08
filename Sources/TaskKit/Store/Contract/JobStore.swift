/// Jobs and their attempts: the atomic state changes the engine asks for, and the reads behind the commands.
public protocol JobStore: AnyObject, Sendable {
    /// Inserts a batch atomically, each job in `NewJob.initialState(now:)`. A job whose unique key matches a live
    /// job returns that job's id instead (`created` false).
    func enqueue(_ jobs: [NewJob], now: Millis) async throws -> [EnqueueResult]
    /// Claims up to `limit` due jobs from `queues` whose task is in `tasks`, in strict priority, then due time,
    /// then enqueue order; marks them running for `worker` with a lease until `leaseUntil` and opens an attempt
    /// for each. Returned in claim order. The first `startingNow` (the worker's free slots) get `startedAt = now`;
    /// the rest, claimed ahead of a free slot, have no `startedAt` until `heartbeat` reports them started or their
    /// outcome records the real start, so a rescue can tell a job that never started (`Rescuer`).
    func claim(queues: [String], tasks: [String], limit: Int, startingNow: Int, worker: String, now: Millis, leaseUntil: Millis) async throws -> [Job]
    /// Applies a batch of outcomes atomically, each only while its job is still running under the same worker and
    /// attempt (and, when `leaseExpiredBefore` is set, its lease expired before then). An outcome whose transition
    /// `yieldsToCancel` is not applied when cancellation was requested: its id is reported in `cancelRequested`
    /// and the engine decides again (see `OutcomeRecorder`).
    func finish(_ outcomes: [JobOutcome], now: Millis) async throws -> FinishReply
    /// Extends the leases of `jobIDs` held by `worker`, and records `now` as the start of those of `started` (jobs
    /// the worker is running) that have no `startedAt` yet. Returns the ids the worker must stop: cancel
    /// requested, or no longer its own (rescued, finished elsewhere).
    func heartbeat(jobIDs: [Int64], started: [Int64], worker: String, now: Millis, leaseUntil: Millis) async throws -> HeartbeatReply
    /// Running jobs whose lease expired before `now`, oldest lease first, at most `limit`. The engine decides
    /// their next state (`Rescuer`) and applies it with `finish`.
    func expiredLeases(now: Millis, limit: Int) async throws -> [Job]
    /// Cancels a job: scheduled/pending/retrying at once (finished now, last error `error`); running is flagged
    /// for its worker to stop.
    func cancel(id: Int64, now: Millis, error: String) async throws -> CancelResult
    /// Makes a job pending, due `now`, when its state is in `from` (the engine decides which states may be
    /// retried), checked in the same atomic operation; otherwise `notRetryable`. A finished job gets a fresh retry
    /// budget and loses the last attempt's result, error, worker and times (its history keeps them); a waiting one
    /// is just due now. A finished job whose unique key another live job holds is left alone (`uniqueKeyHeld`).
    func retry(id: Int64, now: Millis, from: Set<JobState>) async throws -> RetryResult
    func job(id: Int64) async throws -> Job?
    /// Attempts of a job, oldest first.
    func attempts(jobID: Int64) async throws -> [Attempt]
    /// Jobs matching `filter`, newest first.
    func list(_ filter: JobFilter) async throws -> [Job]
    /// Number of jobs per queue and state (zero counts omitted).
    func counts() async throws -> [StateCount]
    /// Deletes finished jobs (and their attempts) finished before `before` in the given states, at most `limit`.
    func purge(states: [JobState], finishedBefore before: Millis, limit: Int) async throws -> Int
    /// How many jobs per state `purge` would delete (zero counts omitted).
    func purgeableCounts(states: [JobState], finishedBefore before: Millis) async throws -> [JobState: Int]
}

extension JobStore {
    /// Retries a job in any of the states `taskq retry ID` accepts (`JobState.retryable`).
    public func retry(id: Int64, now: Millis) async throws -> RetryResult {
        try await retry(id: id, now: now, from: JobState.retryable)
    }

    /// Cancels a job with the standard reason for one that never ran.
    public func cancel(id: Int64, now: Millis) async throws -> CancelResult {
        try await cancel(id: id, now: now, error: JobMessages.cancelledBeforeRun)
    }
}

extension JobStore {
    /// A claim whose jobs all start at once (tests, tools): `startingNow` = `limit`.
    public func claim(queues: [String], tasks: [String], limit: Int, worker: String, now: Millis, leaseUntil: Millis) async throws -> [Job] {
        try await claim(queues: queues, tasks: tasks, limit: limit, startingNow: limit, worker: worker, now: now, leaseUntil: leaseUntil)
    }

    /// A heartbeat that reports no new starts.
    public func heartbeat(jobIDs: [Int64], worker: String, now: Millis, leaseUntil: Millis) async throws -> HeartbeatReply {
        try await heartbeat(jobIDs: jobIDs, started: [], worker: worker, now: now, leaseUntil: leaseUntil)
    }
}
