/// JSON shapes of `taskq workers`, `taskq queue list` and `taskq stats --watch` (docs/contracts.md#json).
extension WorkerRoster.Entry {
    /// `{"id", "host", "pid", "queues", "concurrency", "started_at", "last_seen", "lease_ms", "running", "completed",
    /// "failed", "retried", "lost"}`.
    public func jsonObject() -> JSONValue {
        .obj(("id", .string(info.id)), ("host", .string(info.host)), ("pid", .int(Int64(info.pid))),
             ("queues", .array(info.queues.map { .string($0) })), ("concurrency", .int(Int64(info.concurrency))),
             ("started_at", .time(info.startedAt)), ("last_seen", .time(info.lastSeen)), ("lease_ms", .int(info.leaseMillis)),
             ("running", .int(Int64(running))), ("completed", .int(Int64(info.completed))), ("failed", .int(Int64(info.failed))),
             ("retried", .int(Int64(info.retried))), ("lost", .bool(lost)))
    }
}

extension StatsFrame.QueueLine {
    /// `{"name", "paused", "live_workers", "counts": {STATE: N, …}, "oldest_waiting_ms", "completed_per_sec",
    /// "failed_per_sec"}`; with `rates` false the last two are left out (`queue list`).
    public func jsonObject(rates: Bool = true) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("name", .string(name)), ("paused", .bool(paused)), ("live_workers", .int(Int64(liveWorkers))),
            ("counts", .object(JobState.allCases.map { ($0.rawValue, .int(Int64(counts[$0] ?? 0))) })),
            ("oldest_waiting_ms", oldestWaitMillis.map { .int($0) } ?? .null),
        ]
        if rates {
            pairs.append(("completed_per_sec", completedPerSecond.map { .double(($0 * 100).rounded() / 100) } ?? .null))
            pairs.append(("failed_per_sec", failedPerSecond.map { .double(($0 * 100).rounded() / 100) } ?? .null))
        }
        return .object(pairs)
    }
}

extension StatsFrame {
    /// `{"at", "queues": [queue line…], "workers": {"live": N, "lost": N}, "completed_per_sec", "failed_per_sec"}`.
    public func jsonObject() -> JSONValue {
        func rate(_ value: Double?) -> JSONValue { value.map { .double(($0 * 100).rounded() / 100) } ?? .null }
        return .obj(("at", .time(snapshot.at)), ("queues", .array(queues.map { $0.jsonObject() })),
                    ("workers", .obj(("live", .int(Int64(snapshot.workers.live.count))), ("lost", .int(Int64(snapshot.workers.lost.count))))),
                    ("completed_per_sec", rate(completedPerSecond)), ("failed_per_sec", rate(failedPerSecond)))
    }
}
