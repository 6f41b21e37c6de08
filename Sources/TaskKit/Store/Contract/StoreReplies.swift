/// What `finish` did with a batch of outcomes.
public struct FinishReply: Sendable, Equatable {
    /// Jobs whose outcome was applied.
    public var applied: Set<Int64> = []
    /// Jobs still held by the reporting worker whose outcome was not applied because cancellation was requested.
    public var cancelRequested: Set<Int64> = []
    public init(applied: Set<Int64> = [], cancelRequested: Set<Int64> = []) {
        self.applied = applied
        self.cancelRequested = cancelRequested
    }
}

public struct HeartbeatReply: Sendable, Equatable {
    /// Jobs whose cancellation was requested.
    public var cancel: [Int64] = []
    /// Jobs the worker no longer owns.
    public var lost: [Int64] = []
    public init(cancel: [Int64] = [], lost: [Int64] = []) { self.cancel = cancel; self.lost = lost }
}

public enum CancelResult: Sendable, Equatable {
    case cancelled
    /// The job is running; its worker will stop it and it will end `cancelled`.
    case cancelRequested
    case notCancellable(JobState)
    case notFound
}

public enum RetryResult: Sendable, Equatable {
    case retried
    case notRetryable(JobState)
    /// A failed or cancelled job whose unique key another live job holds now.
    case uniqueKeyHeld(key: String, byJob: Int64)
    case notFound
}

public struct StateCount: Sendable, Equatable {
    public var queue: String
    public var state: JobState
    public var count: Int
}

/// Which jobs `list` returns.
public struct JobFilter: Sendable, Equatable {
    public var states: [JobState] = []
    public var queue: String?
    public var task: String?
    public var limit: Int = 50
    /// Only jobs with an id below this (paging, newest first).
    public var beforeID: Int64?
    public init(states: [JobState] = [], queue: String? = nil, task: String? = nil, limit: Int = 50, beforeID: Int64? = nil) {
        self.states = states
        self.queue = queue
        self.task = task
        self.limit = limit
        self.beforeID = beforeID
    }
}
