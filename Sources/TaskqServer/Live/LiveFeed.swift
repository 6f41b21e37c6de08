import Logging
import TaskKit

/// One reader of the store for every live view: every `interval` (while someone watches; ten times slower
/// otherwise) it takes a `StatsSnapshot`, keeps the frame and a throughput history for the overview's chart, and
/// wakes every subscriber (overview streams, job-page streams). Subscribers never read the store for the overview
/// themselves, so a hundred open dashboards cost what one does.
final class LiveFeed: Sendable {
    /// Completed and failed jobs per second over `bucketMillis`, all queues and per queue.
    struct Bucket: Sendable {
        var start: Millis
        var completed: Double
        var failed: Double
        var perQueue: [String: Double]
    }

    private struct State {
        var watch = StatsWatch()
        var frame: StatsFrame?
        var signature = ""
        var version: UInt64 = 0
        var tick: UInt64 = 0
        var buckets: [Bucket] = []
        var subscribers: [Int: AsyncStream<Update>.Continuation] = [:]
        var nextID = 0
        /// Frames read before this are not handed to pages (`invalidate`).
        var validFrom: Millis = 0
        /// When the store stopped answering the feed's reads (nil while it answers).
        var outageSince: Millis?
    }

    /// What a subscriber is woken with: the tick number, whether the overview changed since the last tick, and
    /// whether this tick's read of the store failed (the frame is the last one read before).
    struct Update: Sendable {
        var tick: UInt64
        var overviewChanged: Bool
        var storeDown = false
    }

    static let bucketMillis: Millis = 10_000
    static let historyBuckets = 60

    private let state = Locked(State())
    private let store: TaskqStore
    private let intervalMillis: Millis
    /// A read the store does not answer within this long counts as failed (a hung store shows as one that refuses).
    private let patienceSeconds: Double
    private let logger: Logger
    private let wake = AsyncEvent()

    init(store: TaskqStore, intervalMillis: Millis, patienceSeconds: Double, logger: Logger) {
        self.store = store
        self.intervalMillis = intervalMillis
        self.patienceSeconds = patienceSeconds
        self.logger = logger
    }

    /// The latest frame (nil before the first read, and after `invalidate` until the next read).
    var frame: StatsFrame? { state.withLock { s in s.frame.flatMap { $0.snapshot.at >= s.validFrom ? $0 : nil } } }

    /// A change made through the dashboard (a queue paused) shows on the page its redirect loads: that page reads a
    /// snapshot of its own instead of the frame read before the change.
    func invalidate(now: Millis) { state.withLock { $0.validFrom = now } }
    /// Throughput buckets, oldest first (at most ten minutes).
    var history: [Bucket] { state.withLock { $0.buckets } }

    /// A stream of updates until the caller stops iterating (or the feed ends). Starting to watch triggers a read.
    func subscribe() -> AsyncStream<Update> {
        let (stream, continuation) = AsyncStream.makeStream(of: Update.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { s -> Int in
            s.nextID += 1
            s.subscribers[s.nextID] = continuation
            return s.nextID
        }
        continuation.onTermination = { [weak self] _ in _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) } }
        wake.signal()
        return stream
    }

    /// Ends every subscriber's stream (graceful shutdown).
    func finishAll() {
        let all = state.withLock { s -> [AsyncStream<Update>.Continuation] in
            defer { s.subscribers.removeAll() }
            return Array(s.subscribers.values)
        }
        all.forEach { $0.finish() }
    }

    /// Reads until the task is cancelled.
    func run() async {
        while !Task.isCancelled {
            await readOnce()
            let watched = state.withLock { !$0.subscribers.isEmpty }
            let pause = watched ? intervalMillis : intervalMillis * 10
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await Task.sleep(nanoseconds: UInt64(pause) * 1_000_000) }
                if !watched { group.addTask { [wake] in await wake.wait() } }
                await group.next()
                group.cancelAll()
            }
        }
        finishAll()
    }

    private func readOnce() async {
        let now = Clock.now()
        let snapshot: StatsSnapshot
        do {
            snapshot = try await StorePatience.$seconds.withValue(patienceSeconds) { try await StatsSnapshot.take(from: store, now: now) }
        } catch {
            // Once per outage in the log; every tick to the pages, which say their figures are stale.
            let (first, update, subscribers) = state.withLock { s -> (Bool, Update, [AsyncStream<Update>.Continuation]) in
                let first = s.outageSince == nil
                if first { s.outageSince = now }
                s.tick += 1
                return (first, Update(tick: s.tick, overviewChanged: false, storeDown: true), Array(s.subscribers.values))
            }
            if first { logger.warning("live feed: cannot read the store (live pages say so until it answers): \(error)") }
            for subscriber in subscribers { subscriber.yield(update) }
            return
        }
        let recovered = state.withLock { s -> Bool in
            defer { s.outageSince = nil }
            return s.outageSince != nil
        }
        if recovered { logger.notice("live feed: the store answers again") }
        let (update, subscribers) = state.withLock { s -> (Update, [AsyncStream<Update>.Continuation]) in
            let frame = s.watch.next(snapshot)
            let signature = LiveFeed.signature(frame)
            let changed = signature != s.signature
            s.signature = signature
            s.frame = frame
            if changed { s.version += 1 }
            s.tick += 1
            LiveFeed.record(frame, into: &s.buckets, now: now)
            return (Update(tick: s.tick, overviewChanged: changed), Array(s.subscribers.values))
        }
        for subscriber in subscribers { subscriber.yield(update) }
    }

    /// What the overview shows, minus the clock: equal signatures render the same counts.
    private static func signature(_ frame: StatsFrame) -> String {
        var text = ""
        for q in frame.queues {
            text += q.name + (q.paused ? "!" : ":") + String(q.liveWorkers)
            for state in JobState.allCases { text += "," + String(q.counts[state] ?? 0) }
            text += "/" + String((q.oldestWaitMillis ?? -1000) / 1000) + ";"
        }
        return text + "w" + String(frame.snapshot.workers.live.count)
    }

    private static func record(_ frame: StatsFrame, into buckets: inout [Bucket], now: Millis) {
        guard let elapsed = frame.elapsedSeconds, elapsed > 0 else { return }
        let start = now - now % bucketMillis
        if buckets.last?.start != start {
            buckets.append(Bucket(start: start, completed: 0, failed: 0, perQueue: [:]))
            if buckets.count > historyBuckets { buckets.removeFirst(buckets.count - historyBuckets) }
        }
        // Rates are per second over the frame; weighted into the bucket by the frame's share of it.
        let share = elapsed * 1000 / Double(bucketMillis)
        buckets[buckets.count - 1].completed += (frame.completedPerSecond ?? 0) * share
        buckets[buckets.count - 1].failed += (frame.failedPerSecond ?? 0) * share
        for q in frame.queues {
            buckets[buckets.count - 1].perQueue[q.name, default: 0] += (q.completedPerSecond ?? 0) * share
        }
    }
}
