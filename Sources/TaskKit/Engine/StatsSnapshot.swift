/// One look at a deployment, as `taskq stats --watch` and `taskq queue list` show it: jobs per queue and state,
/// each queue's oldest waiting job, paused queues and the workers. Four cheap store reads; no job is scanned.
public struct StatsSnapshot: Sendable {
    /// When it was taken.
    public let at: Millis
    public let counts: JobCounts
    /// Earliest `run_at` of each queue's due waiting jobs (queues with none omitted).
    public let oldestWaiting: [String: Millis]
    /// Paused queues and since when.
    public let paused: [String: Millis]
    public let workers: WorkerRoster

    public init(at: Millis, counts: JobCounts, oldestWaiting: [String: Millis], paused: [String: Millis], workers: WorkerRoster) {
        self.at = at
        self.counts = counts
        self.oldestWaiting = oldestWaiting
        self.paused = paused
        self.workers = workers
    }

    /// Reads everything at `now`.
    public static func take(from store: TaskqStore, now: Millis) async throws -> StatsSnapshot {
        let counts = JobCounts(try await store.counts())
        let waiting = counts.queues.filter { queue in [.pending, .scheduled, .retrying].contains { counts.count(queue: queue, state: $0) > 0 } }
        return StatsSnapshot(at: now, counts: counts, oldestWaiting: try await store.oldestWaiting(queues: waiting, now: now),
                             paused: try await store.pausedQueues(), workers: try await WorkerRoster.read(from: store, now: now))
    }

    /// Every known queue: those holding jobs and paused ones without jobs, by name.
    public var queues: [String] { Set(counts.queues).union(paused.keys).sorted() }

    /// How long the queue's oldest due waiting job has waited at `at` (nil when none waits).
    public func oldestWaitMillis(queue: String) -> Millis? { oldestWaiting[queue].map { max(0, at - $0) } }
}

/// One frame of `taskq stats --watch`: a snapshot with throughput computed from the one before.
public struct StatsFrame: Sendable {
    /// One queue's line.
    public struct QueueLine: Sendable {
        public var name: String
        public var counts: [JobState: Int]
        public var paused: Bool
        public var liveWorkers: Int
        public var oldestWaitMillis: Millis?
        /// Jobs that completed (failed) per second since the previous snapshot; nil in the first frame.
        public var completedPerSecond: Double?
        public var failedPerSecond: Double?
    }

    public let snapshot: StatsSnapshot
    public let queues: [QueueLine]
    /// Seconds since the previous snapshot (nil in the first frame).
    public let elapsedSeconds: Double?

    /// Over all queues (nil in the first frame).
    public var completedPerSecond: Double? { sum(\.completedPerSecond) }
    public var failedPerSecond: Double? { sum(\.failedPerSecond) }

    private func sum(_ rate: KeyPath<QueueLine, Double?>) -> Double? {
        elapsedSeconds == nil ? nil : queues.reduce(0) { $0 + ($1[keyPath: rate] ?? 0) }
    }

    /// The frame of `snapshot` after `previous`. A count that went down between the two (a purge) gives rate 0.
    public init(_ snapshot: StatsSnapshot, after previous: StatsSnapshot?) {
        self.snapshot = snapshot
        let elapsed = previous.map { Double(snapshot.at - $0.at) / 1000 }.flatMap { $0 > 0 ? $0 : nil }
        elapsedSeconds = elapsed
        queues = snapshot.queues.map { queue in
            func rate(_ state: JobState) -> Double? {
                guard let previous, let elapsed else { return nil }
                return Double(max(0, snapshot.counts.count(queue: queue, state: state) - previous.counts.count(queue: queue, state: state))) / elapsed
            }
            return QueueLine(name: queue, counts: Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, snapshot.counts.count(queue: queue, state: $0)) }),
                             paused: snapshot.paused[queue] != nil, liveWorkers: snapshot.workers.liveReaders(of: queue),
                             oldestWaitMillis: snapshot.oldestWaitMillis(queue: queue),
                             completedPerSecond: rate(.completed), failedPerSecond: rate(.failed))
        }
    }
}

/// Successive frames for `taskq stats --watch`: keeps the previous snapshot so each frame carries throughput.
public struct StatsWatch: Sendable {
    private var previous: StatsSnapshot?

    public init() {}

    /// The frame for `snapshot`, which becomes the previous one.
    public mutating func next(_ snapshot: StatsSnapshot) -> StatsFrame {
        defer { previous = snapshot }
        return StatsFrame(snapshot, after: previous)
    }

    /// Takes a snapshot from `store` at `now` and returns its frame.
    public mutating func next(from store: TaskqStore, now: Millis) async throws -> StatsFrame {
        next(try await StatsSnapshot.take(from: store, now: now))
    }
}
