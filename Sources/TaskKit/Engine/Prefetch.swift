/// How far a worker claims ahead of its free slots: about `horizon` seconds of work at the pace its jobs have been
/// running, so short jobs are claimed (and their outcomes recorded) in large batches while long jobs are claimed one
/// free slot at a time, as before. The worker keeps the jobs claimed ahead in a `Backlog` and starts them as slots
/// free up.
struct Prefetch: Sendable {
    /// Slots (`--concurrency`).
    let concurrency: Int
    /// Most jobs held beyond the slots (`WorkerOptions.prefetchLimit`); 0 turns prefetching off.
    let limit: Int
    /// Seconds of work the backlog may hold.
    let horizon: Double
    static let defaultHorizon = 0.025
    /// Weight of the newest run in the average.
    static let weight = 0.2
    /// Average seconds a handler ran (exponentially weighted); nil before the first job ends.
    private(set) var averageRun: Double?
    /// Jobs returned by the last claim that filled its request: a claim asks for at most twice that many, so the
    /// batch grows while jobs keep finishing fast instead of jumping to the limit on the first sample.
    private(set) var lastFullClaim = 0

    init(concurrency: Int, limit: Int, horizon: Double = Prefetch.defaultHorizon) {
        self.concurrency = concurrency
        self.limit = max(0, limit)
        self.horizon = horizon
    }

    mutating func jobRan(seconds: Double) {
        let s = max(0, seconds)
        averageRun = averageRun.map { $0 + Self.weight * (s - $0) } ?? s
    }

    /// The next backlog job waited `seconds` for a slot: the running jobs take at least that long, whatever the
    /// average said (it learns only from jobs that ended), so the backlog is sized for that from now on.
    mutating func slotsBusy(seconds: Double) {
        averageRun = max(averageRun ?? 0, seconds)
    }

    mutating func claimed(_ count: Int, asked: Int) {
        if count >= asked { lastFullClaim = max(lastFullClaim, count) } else if count < lastFullClaim / 2 { lastFullClaim = count }
    }

    /// Jobs the backlog should hold: the slots' work for `horizon` seconds at the average run time, at most `limit`.
    var target: Int {
        guard limit > 0, let average = averageRun else { return 0 }
        let byPace = Double(concurrency) * horizon / max(average, 1e-6)
        return byPace >= Double(limit) ? limit : Int(byPace)
    }

    /// Claim again once the backlog is down to this many.
    var lowWater: Int { target / 2 }

    /// How many jobs to ask for with `free` slots and `backlog` jobs waiting (0: do not claim now).
    func request(free: Int, backlog: Int) -> Int {
        guard backlog <= lowWater else { return 0 }
        let wanted = free + target - backlog
        guard wanted > 0 else { return 0 }
        return min(wanted, max(concurrency, 2 * lastFullClaim))
    }
}

/// Jobs claimed ahead of the free slots, next first: claim order, merged by priority, then due time, then id (a
/// later claim can bring a more urgent job).
struct Backlog: Sendable {
    struct Entry: Sendable {
        var job: Job
        /// When it was claimed (monotonic seconds).
        var claimedAt: Double
        /// When its lease was last known to be renewed: the claim, then each heartbeat that held it.
        var leaseFrom: Double
    }
    private var items: [Entry] = []
    private var head = 0

    var count: Int { items.count - head }
    var isEmpty: Bool { head == items.count }
    var ids: [Int64] { items[head...].map { $0.job.id } }
    /// The entry that starts next.
    var first: Entry? { isEmpty ? nil : items[head] }

    static func precedes(_ a: Job, _ b: Job) -> Bool {
        if a.priority != b.priority { return a.priority > b.priority }
        if a.runAt != b.runAt { return a.runAt < b.runAt }
        return a.id < b.id
    }

    /// Adds claimed jobs among those waiting, in start order.
    mutating func add(_ jobs: [Job], at time: Double) {
        guard !jobs.isEmpty else { return }
        let fresh = jobs.map { Entry(job: $0, claimedAt: time, leaseFrom: time) }.sorted { Self.precedes($0.job, $1.job) }
        if isEmpty { items = fresh; head = 0; return }
        var merged: [Entry] = []
        merged.reserveCapacity(count + fresh.count)
        var i = head, j = 0
        while i < items.count && j < fresh.count {
            if Self.precedes(fresh[j].job, items[i].job) { merged.append(fresh[j]); j += 1 } else { merged.append(items[i]); i += 1 }
        }
        merged += items[i...]
        merged += fresh[j...]
        items = merged
        head = 0
    }

    mutating func popFirst() -> Entry? {
        guard !isEmpty else { return nil }
        let entry = items[head]
        head += 1
        if head == items.count { items.removeAll(keepingCapacity: true); head = 0 }
        return entry
    }

    /// Notes a heartbeat, sent at `time`, that renewed the leases of `ids`.
    mutating func renewed(_ ids: Set<Int64>, at time: Double) {
        for i in head..<items.count where ids.contains(items[i].job.id) { items[i].leaseFrom = max(items[i].leaseFrom, time) }
    }

    /// Removes and returns the job with `id`, if waiting.
    mutating func remove(id: Int64) -> Job? {
        guard let index = items[head...].firstIndex(where: { $0.job.id == id }) else { return nil }
        let entry = items.remove(at: index)
        return entry.job
    }

    /// Removes and returns every waiting job.
    mutating func removeAll() -> [Job] {
        let jobs = items[head...].map { $0.job }
        items.removeAll()
        head = 0
        return jobs
    }
}
