/// The workers a deployment has, as an operator sees them (`taskq workers`, `queue list`, `stats --watch`, the
/// enqueue warning): the engine decides which are live and which are lost; the store only keeps their records.
public struct WorkerRoster: Sendable {
    /// A worker record with what the engine made of it.
    public struct Entry: Sendable, Equatable {
        public var info: WorkerInfo
        /// Jobs running under it now.
        public var running: Int
        /// Its last heartbeat is older than its lease: killed, hung or cut off. Its jobs are rescued when their
        /// leases expire.
        public var lost: Bool
        /// Since when it counts as lost (last heartbeat plus lease).
        public var lostSince: Millis { info.lastSeen + info.leaseMillis }
    }

    /// Every worker with a record, by id.
    public let entries: [Entry]

    /// Judges `workers` at `now`: a worker is lost once `now` is past its last heartbeat plus its lease.
    public init(_ workers: [WorkerInfo], running: [String: Int] = [:], now: Millis) {
        entries = workers.sorted { $0.id < $1.id }.map { info in
            Entry(info: info, running: running[info.id] ?? 0, lost: now > info.lastSeen + info.leaseMillis)
        }
    }

    /// Reads the worker records (and, with `withRunning`, the running jobs per worker) and judges them at `now`.
    public static func read(from store: WorkerRegistry, now: Millis, withRunning: Bool = true) async throws -> WorkerRoster {
        let workers = try await store.workers()
        let running = withRunning ? try await store.runningJobsByWorker() : [:]
        return WorkerRoster(workers, running: running, now: now)
    }

    public var live: [Entry] { entries.filter { !$0.lost } }
    public var lost: [Entry] { entries.filter(\.lost) }

    /// Live workers that read `queue`.
    public func liveReaders(of queue: String) -> Int { live.filter { $0.info.queues.contains(queue) }.count }

    /// Of `queues`, those no live worker reads, in the order given, without repeats.
    public func unread(_ queues: [String]) -> [String] {
        var seen = Set<String>()
        return queues.filter { seen.insert($0).inserted && liveReaders(of: $0) == 0 }
    }

    /// The one warning line for an enqueue to queues no live worker reads (nil when every queue has a reader).
    public func enqueueWarning(queues: [String]) -> String? {
        let unread = unread(queues)
        guard !unread.isEmpty else { return nil }
        if unread.count == 1 {
            return "no live worker reads queue '\(TerminalText.escaped(unread[0]))'; the job waits until one does"
        }
        return "no live worker reads queues \(unread.map { "'\(TerminalText.escaped($0))'" }.joined(separator: ", ")); their jobs wait until one does"
    }

    /// Workers lost for longer than `age` at `now`: the records `taskq purge --older-than AGE` removes.
    public func dead(olderThan age: Millis, now: Millis) -> [Entry] {
        lost.filter { $0.lostSince < now - age }
    }
}
