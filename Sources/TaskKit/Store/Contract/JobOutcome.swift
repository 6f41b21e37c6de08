/// The outcome of one attempt, decided by the engine before touching the store. The store writes its
/// `transition` as given; it never decides a state itself.
public struct JobOutcome: Sendable, Equatable {
    /// The engine's decision.
    public enum Kind: Sendable, Equatable {
        case completed(result: JSONValue)
        /// Failed with retries left: next attempt at `runAt`.
        case retry(error: String, runAt: Millis, outcome: AttemptOutcome)
        /// Failed for good.
        case failed(error: String, outcome: AttemptOutcome)
        /// Stopped because cancellation was requested; `result` is kept when the attempt had completed.
        case cancelled(error: String, outcome: AttemptOutcome, result: JSONValue?)
        /// Given back unfinished (shutdown): ready again now, not counted against retries.
        case released
    }
    public var jobID: Int64
    public var attempt: Int
    public var worker: String
    public var kind: Kind
    /// When the attempt ended (recorded as its finish time); nil means the `now` of the `finish` call. Outcomes are
    /// recorded in batches, so this keeps the history exact.
    public var finishedAt: Millis?
    /// The job's last error when it was claimed; a release keeps it.
    public var previousError: String?
    /// Set by the rescuer: applies only while the lease expired before this time (a worker that renewed it
    /// meanwhile keeps its job).
    public var leaseExpiredBefore: Millis?
    /// When the attempt's handler really started, recorded as the job's and the attempt's `started_at`; nil keeps
    /// the claim time (a job claimed ahead waits for a slot first: `Prefetch`).
    public var startedAt: Millis?
    /// Why a `.released` attempt was given back, recorded as its error; nil: at worker shutdown.
    public var releaseReason: String?

    public init(jobID: Int64, attempt: Int, worker: String, kind: Kind, finishedAt: Millis? = nil,
                previousError: String? = nil, leaseExpiredBefore: Millis? = nil, startedAt: Millis? = nil) {
        self.jobID = jobID
        self.attempt = attempt
        self.worker = worker
        self.kind = kind
        self.finishedAt = finishedAt
        self.previousError = previousError
        self.leaseExpiredBefore = leaseExpiredBefore
        self.startedAt = startedAt
    }

    /// The outcome of `job`'s current attempt as held by `worker`.
    public init(job: Job, worker: String, kind: Kind, finishedAt: Millis? = nil, leaseExpiredBefore: Millis? = nil,
                startedAt: Millis? = nil) {
        self.init(jobID: job.id, attempt: job.attempt, worker: worker, kind: kind, finishedAt: finishedAt,
                  previousError: job.error, leaseExpiredBefore: leaseExpiredBefore, startedAt: startedAt)
    }

    /// What the store writes, with `now` standing in for a missing `finishedAt`.
    public func transition(now: Millis) -> JobTransition {
        let at = finishedAt ?? now
        switch kind {
        case let .completed(result):
            return JobTransition(state: .completed, error: nil, result: result, runAt: nil, finishedAt: at, refundsAttempt: false,
                                 attemptOutcome: .completed, attemptError: nil, attemptEndedAt: at, yieldsToCancel: true, startedAt: startedAt)
        case let .retry(error, runAt, outcome):
            return JobTransition(state: .retrying, error: error, result: nil, runAt: runAt, finishedAt: nil, refundsAttempt: false,
                                 attemptOutcome: outcome, attemptError: error, attemptEndedAt: at, yieldsToCancel: true, startedAt: startedAt)
        case let .failed(error, outcome):
            return JobTransition(state: .failed, error: error, result: nil, runAt: nil, finishedAt: at, refundsAttempt: false,
                                 attemptOutcome: outcome, attemptError: error, attemptEndedAt: at, yieldsToCancel: true, startedAt: startedAt)
        case let .cancelled(error, outcome, result):
            return JobTransition(state: .cancelled, error: error, result: result, runAt: nil, finishedAt: at, refundsAttempt: false,
                                 attemptOutcome: outcome, attemptError: error, attemptEndedAt: at, yieldsToCancel: false, startedAt: startedAt)
        case .released:
            return JobTransition(state: .pending, error: previousError, result: nil, runAt: at, finishedAt: nil, refundsAttempt: true,
                                 attemptOutcome: .released, attemptError: releaseReason ?? JobMessages.releasedAtShutdown,
                                 attemptEndedAt: at,
                                 yieldsToCancel: true, startedAt: startedAt)
        }
    }

    /// The same attempt ended `cancelled` instead, because cancellation was requested while it ran: cancel wins
    /// over a finishing attempt, and the attempt's own record agrees with the job's state.
    public func cancelledInstead() -> JobOutcome {
        var copy = self
        switch kind {
        case let .completed(result):
            copy.kind = .cancelled(error: JobMessages.cancelledWhileRunning, outcome: .cancelled, result: result)
        case let .retry(error, _, outcome), let .failed(error, outcome):
            copy.kind = .cancelled(error: error, outcome: outcome, result: nil)
        case .released:
            copy.kind = .cancelled(error: JobMessages.cancelledWhileRunning, outcome: .cancelled, result: nil)
        case .cancelled:
            break
        }
        return copy
    }
}

/// A job's next state after an attempt, exactly as the store writes it. Fields that are nil where noted keep the
/// stored value.
public struct JobTransition: Sendable, Equatable {
    public var state: JobState
    /// The job's last error, written as is (nil clears it).
    public var error: String?
    /// The result; nil keeps the stored one.
    public var result: JSONValue?
    /// The next due time; nil keeps the stored one.
    public var runAt: Millis?
    /// Written as is: set for finished states, nil otherwise.
    public var finishedAt: Millis?
    /// The attempt does not count against the retry budget (`attempt_offset` + 1).
    public var refundsAttempt: Bool
    /// How the attempt's own record ends.
    public var attemptOutcome: AttemptOutcome
    public var attemptError: String?
    public var attemptEndedAt: Millis
    /// Not applied while cancellation is requested; the store reports the job in `FinishReply.cancelRequested`.
    public var yieldsToCancel: Bool
    /// When the attempt really started (written to the job's and the attempt's `started_at`); nil keeps them.
    public var startedAt: Millis? = nil
}
