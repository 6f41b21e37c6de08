#if canImport(Glibc)
import Glibc
#endif

/// How a worker runs. Defaults suit a small deployment; `taskq run-worker` exposes each as a flag.
public struct WorkerOptions: Sendable {
    public var queues: [String] = ["default"]
    /// Jobs run at once.
    public var concurrency = 10
    /// How long a claim is valid without a heartbeat.
    public var leaseMillis: Millis = 15_000
    /// Longest idle wait before looking for work again (wake-ups usually come sooner).
    public var pollIntervalMillis: Millis = 1_000
    /// On SIGTERM/SIGINT: how long in-flight jobs may take to finish before they are stopped and released.
    public var gracePeriodMillis: Millis = 30_000
    /// Between SIGTERM and SIGKILL when a shell task's process group is stopped.
    public var killGraceMillis: Millis = 5_000
    /// Bytes of each output stream (stdout, stderr) kept per attempt; past it the tail is kept.
    public var outputCapBytes = WorkerOptions.defaultOutputCapBytes
    /// Most jobs claimed ahead of the free slots while jobs finish fast (`Prefetch`); 0 claims only for free slots.
    public var prefetchLimit = WorkerOptions.defaultPrefetchLimit
    /// How long a prefetched job may wait for a slot before the backlog is released (tests shorten it).
    var backlogPatienceMillis: Millis = 1_000
    /// Seconds of work the backlog holds at the pace jobs run (tests lengthen it, so a loaded machine's slow
    /// no-op jobs still count as short).
    var prefetchHorizon = Prefetch.defaultHorizon
    /// Exit after claiming this many jobs (and finishing them).
    public var maxTasks: Int?
    /// Exit when no job is due.
    public var burst = false
    public var workerID: String = WorkerOptions.defaultWorkerID()

    public init() {}

    public static let defaultPrefetchLimit = 1_000

    /// 1 MiB per stream.
    public static let defaultOutputCapBytes = 1 << 20

    /// Heartbeats renew leases and pick up cancellations.
    public var heartbeatMillis: Millis { max(100, min(leaseMillis / 3, 1_000)) }
    /// How often the worker tells the store it is alive (with its tallies), also when idle: well inside the lease,
    /// so a live worker never looks lost.
    public var touchMillis: Millis { max(heartbeatMillis, min(leaseMillis / 3, 5_000)) }
    /// How often expired leases are rescued.
    public var rescueMillis: Millis { max(500, min(leaseMillis / 2, 15_000)) }

    /// `host:pid:random`, unique per process.
    public static func defaultWorkerID() -> String {
        "\(hostName()):\(getpid()):\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
    }

    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(cString: buffer)
    }

    /// Checks ranges; throws `TaskqError.usage`.
    public func validate() throws {
        guard !queues.isEmpty else { throw TaskqError.usage("at least one --queue is needed") }
        guard queues.allSatisfy({ !$0.isEmpty }) else {
            throw TaskqError.usage("empty queue name in '\(TerminalText.escaped(queues.joined(separator: ",")))': separate queue names with single commas")
        }
        for queue in queues { try Names.checkQueue(queue) }
        guard (1...10_000).contains(concurrency) else { throw TaskqError.usage("--concurrency must be 1-10000") }
        guard leaseMillis >= 1_000 else { throw TaskqError.usage("--lease must be at least 1s") }
        guard pollIntervalMillis >= 1 else { throw TaskqError.usage("--poll-interval must be positive") }
        guard (1...(1 << 30)).contains(outputCapBytes) else { throw TaskqError.usage("--output-cap must be 1B-1GiB") }
        guard (0...100_000).contains(prefetchLimit) else { throw TaskqError.usage("--prefetch must be 0-100000") }
        if let maxTasks, maxTasks < 1 { throw TaskqError.usage("--max-tasks must be at least 1") }
        guard !workerID.isEmpty else { throw TaskqError.usage("--worker-id must not be empty") }
    }
}

/// What a worker did before it exited.
public struct WorkerSummary: Sendable, Equatable {
    public var completed = 0
    public var failed = 0
    public var retried = 0
    public var cancelled = 0
    public var released = 0
    public var rescued = 0
    public var total: Int { completed + failed + retried + cancelled + released }
    /// Attempts that failed: retried or failed for good (what `taskq workers` shows as failed).
    public var failedAttempts: Int { failed + retried }
}
