/// A job as stored: what to run, where it is in its life, and what happened last.
public struct Job: Sendable, Equatable {
    public var id: Int64
    /// Human label.
    public var name: String
    /// Handler name (`shell`, `echo`, a named or registered task).
    public var task: String
    public var args: JSONValue
    public var queue: String
    /// 0–10, higher first.
    public var priority: Int
    public var state: JobState
    /// Attempts started so far.
    public var attempt: Int
    /// Attempts before the current retry budget began (raised by a manual retry or a release).
    public var attemptOffset: Int
    public var maxRetries: Int
    public var retryPolicy: RetryPolicy
    /// Hard limit per attempt, nil for none.
    public var timeoutMillis: Int64?
    public var runAt: Millis
    public var uniqueKey: String?
    public var result: JSONValue?
    public var error: String?
    public var createdAt: Millis
    public var startedAt: Millis?
    public var finishedAt: Millis?
    public var worker: String?
    public var leaseUntil: Millis?
    public var cancelRequested: Bool

    /// Attempts used from the current retry budget (1 while the first attempt runs).
    public var attemptsInBudget: Int { attempt - attemptOffset }
}

/// One attempt of a job, kept forever with its job.
public struct Attempt: Sendable, Equatable {
    public var jobID: Int64
    public var attempt: Int
    public var startedAt: Millis
    public var finishedAt: Millis?
    public var worker: String
    public var outcome: AttemptOutcome
    public var error: String?
}

/// How an attempt ended.
public enum AttemptOutcome: String, Sendable, Codable, CaseIterable {
    case running, completed, failed, timeout, cancelled
    /// The worker's lease expired (worker killed or host lost) and the job was rescued.
    case lost
    /// The worker gave the job back at shutdown; the attempt does not count against retries.
    case released
}

/// What to enqueue. Defaults follow docs/contracts.md#job-defaults.
public struct NewJob: Sendable, Equatable {
    public var name: String
    public var task: String
    public var args: JSONValue = .object([])
    public var queue: String = "default"
    public var priority: Int = Priority.default
    public var maxRetries: Int = 3
    public var retryPolicy = RetryPolicy()
    public var timeoutMillis: Int64?
    /// When to run; nil means now.
    public var runAt: Millis?
    public var uniqueKey: String?

    public init(name: String, task: String, args: JSONValue = .object([]), queue: String = "default",
                priority: Int = Priority.default, maxRetries: Int = 3, retryPolicy: RetryPolicy = RetryPolicy(),
                timeoutMillis: Int64? = nil, runAt: Millis? = nil, uniqueKey: String? = nil) {
        self.name = name
        self.task = task
        self.args = args
        self.queue = queue
        self.priority = priority
        self.maxRetries = maxRetries
        self.retryPolicy = retryPolicy
        self.timeoutMillis = timeoutMillis
        self.runAt = runAt
        self.uniqueKey = uniqueKey
    }

    /// When the job is first due: `runAt`, or `now` when none was given.
    public func dueAt(now: Millis) -> Millis { runAt ?? now }

    /// `scheduled` when first due after `now`, else `pending`: the state every store gives a new job.
    public func initialState(now: Millis) -> JobState { dueAt(now: now) > now ? .scheduled : .pending }

    /// Checks ranges and names (`Names`); throws `TaskqError.usage` naming the bad field.
    public func validate() throws {
        guard Priority.range.contains(priority) else { throw TaskqError.usage(Priority.invalidMessage(String(priority))) }
        guard maxRetries >= 0 && maxRetries <= 1000 else { throw TaskqError.usage("max_retries must be 0-1000, got \(maxRetries)") }
        if let t = timeoutMillis, t <= 0 || t > DurationParser.maxMillis { throw TaskqError.usage("timeout must be positive and at most 100 years") }
        if retryPolicy.baseDelayMillis > DurationParser.maxMillis { throw TaskqError.usage("retry delay must be at most 100 years") }
        try Names.checkJobName(name)
        try Names.checkQueue(queue)
        try Names.checkTask(task)
        if let uniqueKey { try Names.checkUniqueKey(uniqueKey) }
        try Names.checkNoNUL(args, what: "args")
    }
}

/// The outcome of enqueueing one job.
public struct EnqueueResult: Sendable, Equatable {
    public var id: Int64
    /// False when a live job with the same unique key already existed and its id is returned.
    public var created: Bool
}

extension Job {
    /// The job every store holds right after `enqueue` created `new` with `id` at `now` (`created` was true): what
    /// a read would return, without the read. Objects in `args` keep the order they were sent in (a store may
    /// return them in its own order: PostgreSQL's jsonb sorts keys).
    public init(created new: NewJob, id: Int64, now: Millis) {
        self.init(id: id, name: new.name, task: new.task, args: new.args, queue: new.queue, priority: new.priority,
                  state: new.initialState(now: now), attempt: 0, attemptOffset: 0, maxRetries: new.maxRetries,
                  retryPolicy: new.retryPolicy, timeoutMillis: new.timeoutMillis, runAt: new.dueAt(now: now),
                  uniqueKey: new.uniqueKey, result: nil, error: nil, createdAt: now, startedAt: nil, finishedAt: nil,
                  worker: nil, leaseUntil: nil, cancelRequested: false)
    }
}
