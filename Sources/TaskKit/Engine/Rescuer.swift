/// Rescue of expired leases (a worker killed or a host lost), in River's shape: the store lists the expired leases,
/// the engine decides each job's next state with its own retry policy, and the store applies the decisions,
/// guarded by worker, attempt and lease expiry, so a worker that renewed meanwhile keeps its job.
public enum Rescuer {
    /// The decision for one job whose lease expired at `now`: its attempt ends `lost`; the job is retried after
    /// its back-off, failed when its budget is spent, or cancelled when cancellation was requested. A job the
    /// worker claimed ahead whose start was not recorded (no `startedAt`: see `JobStore.claim`; normally it never
    /// ran) is given back as it was, `released`: ready now, its attempt not counted, so a killed worker's backlog
    /// costs no retries and fails no job that never ran; its `error` says so. A job given back so that kills its
    /// worker as soon as it starts does not come back free for ever: the next worker reads that `error` and records
    /// the start before running it (`Worker`), so its next death counts.
    public static func decision(for job: Job, now: Millis) -> JobOutcome {
        if job.startedAt == nil && !job.cancelRequested {
            var outcome = JobOutcome(job: job, worker: job.worker ?? "", kind: .released, finishedAt: now, leaseExpiredBefore: now)
            outcome.releaseReason = JobMessages.releasedWorkerLost(worker: job.worker)
            // The job's error says so too (a release otherwise keeps the last one): the next worker to claim it ahead
            // reads it there and records the start before running it.
            outcome.previousError = outcome.releaseReason
            return outcome
        }
        let error = JobMessages.leaseExpired(worker: job.worker)
        let kind: JobOutcome.Kind = job.cancelRequested
            ? .cancelled(error: error, outcome: .lost, result: nil)
            : job.failure(error: error, outcome: .lost, at: now)
        return JobOutcome(job: job, worker: job.worker ?? "", kind: kind, finishedAt: now, leaseExpiredBefore: now)
    }

    /// Rescues up to `limit` jobs whose lease expired before `now`, except those in `sparing` (a worker's own).
    /// Returns what was rescued, by id.
    public static func rescueBatch(store: JobStore, now: Millis, limit: Int, sparing: Set<Int64> = []) async throws -> (listed: Int, rescued: [RescuedJob]) {
        let listed = try await store.expiredLeases(now: now, limit: limit)
        let expired = listed.filter { !sparing.contains($0.id) }
        let byID = Dictionary(expired.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let decisions = expired.map { decision(for: $0, now: now) }
        let recorded = try await OutcomeRecorder.record(decisions, in: store, now: now)
        let rescued = recorded.map {
            RescuedJob(id: $0.jobID, worker: byID[$0.jobID]?.worker, newState: $0.transition(now: now).state,
                       leaseExpiredAt: byID[$0.jobID]?.leaseUntil)
        }
        return (listed.count, rescued.sorted { $0.id < $1.id })
    }
}

/// What the rescuer did with one job.
public struct RescuedJob: Sendable, Equatable {
    public var id: Int64
    /// The worker that lost the lease.
    public var worker: String?
    public var newState: JobState
    /// When the lost lease ran out.
    public var leaseExpiredAt: Millis?
}
