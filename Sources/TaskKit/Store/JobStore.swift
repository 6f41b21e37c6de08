/// The contract every backend implements. The store performs atomic state changes only: each method is one
/// atomic operation (one transaction or one server-side script). Retry maths, timeouts and scheduling live in the
/// engine. Every call that reads the clock takes `now`, so tests control time.
public protocol JobStore: AnyObject, Sendable {
    /// `sqlite`, `postgres`, `redis`.
    var backend: String { get }
    /// What this backend can do beyond the common contract.
    var capabilities: StoreCapabilities { get }

    // MARK: Schema
    /// Applies pending migrations atomically; concurrent callers serialise. Returns the versions applied now.
    func migrate(now: Millis) async throws -> [MigrationStatus]
    /// Every known migration with its applied time (nil when pending).
    func migrationStatus() async throws -> [MigrationStatus]
    /// Throws `TaskqError.unavailable` naming `taskq migrate` when the schema is missing or behind.
    func requireSchema() async throws

    // MARK: Jobs
    /// Inserts a batch atomically. A job whose unique key matches a live job returns that job's id instead.
    func enqueue(_ jobs: [NewJob], now: Millis) async throws -> [EnqueueResult]
    /// Claims up to `limit` due jobs from `queues` in strict priority, then due time, then enqueue order; marks them
    /// running for `worker` with a lease until `leaseUntil` and opens an attempt for each. Returned in claim order.
    func claim(queues: [String], limit: Int, worker: String, now: Millis, leaseUntil: Millis) async throws -> [Job]
    /// Records a batch of attempt outcomes atomically. An outcome applies only while the job is still running
    /// under the same worker and attempt; returns the ids it applied to.
    func finish(_ outcomes: [JobOutcome], now: Millis) async throws -> Set<Int64>
    /// Extends the leases of `jobIDs` held by `worker`. Returns the ids the worker must stop: cancel requested,
    /// or no longer its own (rescued, finished elsewhere).
    func heartbeat(jobIDs: [Int64], worker: String, now: Millis, leaseUntil: Millis) async throws -> HeartbeatReply
    /// Returns running jobs whose lease expired to `retrying` (due now), or `failed` when their retry budget is
    /// spent, or `cancelled` when cancellation was requested. Closes their attempts as `lost`. Returns the jobs rescued.
    func rescueExpired(now: Millis, limit: Int) async throws -> [RescuedJob]
    /// Cancels a job: scheduled/pending/retrying at once; running is flagged for its worker to stop.
    func cancel(id: Int64, now: Millis) async throws -> CancelResult
    /// Retries a job: failed/cancelled get a fresh retry budget and run now; scheduled/retrying run now. With
    /// `onlyFrom`, a job in any other state is left alone (`notRetryable`), checked in the same atomic operation.
    func retry(id: Int64, now: Millis, onlyFrom: Set<JobState>?) async throws -> RetryResult
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

    // MARK: Schedules
    /// Stores a schedule added with `taskq schedule add`; ticks after `now` are due. Returns false when a stored
    /// schedule has the name (a state-only record of a taskq.toml schedule is replaced).
    func addSchedule(name: String, definition: JSONValue, now: Millis) async throws -> Bool
    /// Deletes a stored schedule with its state and fire keys. Returns false when no stored schedule has the name.
    func removeSchedule(name: String) async throws -> Bool
    /// Every schedule record, by name.
    func schedules() async throws -> [ScheduleRecord]
    /// Creates state records (baseline `now`) for taskq.toml schedules that have none.
    func registerSchedules(names: [String], now: Millis) async throws
    /// Pauses or resumes. Resuming moves the baseline to `now`, so ticks missed while paused never fire.
    /// Returns false when there is no record of that name.
    func setSchedulePaused(name: String, paused: Bool, now: Millis) async throws -> Bool
    /// Fires one tick atomically: unless the schedule is gone, paused, or fired at or after `tick` already, records
    /// the fire key (name, tick), enqueues `job` and makes `tick` the last fire. Fire keys older than
    /// `ScheduleRecord.fireKeyRetentionMillis` before `tick` are deleted.
    func fireSchedule(name: String, tick: Millis, job: NewJob, now: Millis) async throws -> FireResult
    /// Records that the ticks up to `tick` were skipped (misfire policy `skip`): moves the baseline there unless the
    /// schedule is paused or already fired or skipped that far. Returns whether it moved.
    func skipTicks(name: String, through tick: Millis, now: Millis) async throws -> Bool

    // MARK: Tasks and workers
    /// Records that `worker` can run these tasks, so enqueuers elsewhere accept their names.
    func announceTasks(_ tasks: [TaskInfo], worker: String, now: Millis) async throws
    /// Task names announced by workers.
    func knownTasks() async throws -> [TaskInfo]
    func registerWorker(_ info: WorkerInfo) async throws
    func unregisterWorker(id: String) async throws

    // MARK: Wake-ups
    /// Returns when new work may be available in `queues`, or after `timeout` seconds, whichever is first.
    func waitForWork(queues: [String], timeout: Double) async
    /// Closes connections; the store is unusable afterwards.
    func close() async
}

extension JobStore {
    /// Retries a job whatever its retryable state.
    public func retry(id: Int64, now: Millis) async throws -> RetryResult {
        try await retry(id: id, now: now, onlyFrom: nil)
    }
}

/// Optional abilities, declared rather than faked.
public struct StoreCapabilities: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// Wake-ups across processes and hosts without polling the job table.
    public static let pushWakeups = StoreCapabilities(rawValue: 1 << 0)
    /// Workers on many hosts (a network server).
    public static let multiHost = StoreCapabilities(rawValue: 1 << 1)
}

/// The outcome of one attempt, decided by the engine before touching the store.
public struct JobOutcome: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case completed(result: JSONValue)
        /// Failed with retries left: next attempt at `runAt`.
        case retry(error: String, runAt: Millis, outcome: AttemptOutcome)
        /// Failed for good.
        case failed(error: String, outcome: AttemptOutcome)
        /// Stopped because cancellation was requested.
        case cancelled(error: String)
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

    public init(jobID: Int64, attempt: Int, worker: String, kind: Kind, finishedAt: Millis? = nil) {
        self.jobID = jobID
        self.attempt = attempt
        self.worker = worker
        self.kind = kind
        self.finishedAt = finishedAt
    }
}

public struct HeartbeatReply: Sendable, Equatable {
    /// Jobs whose cancellation was requested.
    public var cancel: [Int64] = []
    /// Jobs the worker no longer owns.
    public var lost: [Int64] = []
    public init(cancel: [Int64] = [], lost: [Int64] = []) { self.cancel = cancel; self.lost = lost }
}

public struct RescuedJob: Sendable, Equatable {
    public var id: Int64
    public var worker: String?
    public var newState: JobState
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
    case notFound
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

public struct StateCount: Sendable, Equatable {
    public var queue: String
    public var state: JobState
    public var count: Int
}

/// A task a worker can run, as announced to the store.
public struct TaskInfo: Sendable, Equatable {
    public var name: String
    public var description: String
    public init(name: String, description: String) { self.name = name; self.description = description }
}

public struct WorkerInfo: Sendable, Equatable {
    public var id: String
    public var host: String
    public var pid: Int
    public var queues: [String]
    public var concurrency: Int
    public var startedAt: Millis
    public var lastSeen: Millis
}

/// One migration and when it was applied.
public struct MigrationStatus: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var appliedAt: Millis?
}
