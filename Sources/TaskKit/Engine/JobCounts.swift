/// Job counts per queue and state, with the sums `taskq stats` shows.
public struct JobCounts: Sendable {
    private var byQueue: [String: [JobState: Int]] = [:]
    private var byState: [JobState: Int] = [:]
    /// Queues that hold jobs, by name.
    public let queues: [String]
    /// Jobs in all queues and states.
    public let total: Int

    /// Sums `counts` (the store's per queue and state rows).
    public init(_ counts: [StateCount]) {
        for c in counts {
            byQueue[c.queue, default: [:]][c.state, default: 0] += c.count
            byState[c.state, default: 0] += c.count
        }
        queues = byQueue.keys.sorted()
        total = counts.reduce(0) { $0 + $1.count }
    }

    /// Jobs in `queue` and `state` (0 when none).
    public func count(queue: String, state: JobState) -> Int { byQueue[queue]?[state] ?? 0 }
    /// Jobs in `state` over all queues.
    public func count(state: JobState) -> Int { byState[state] ?? 0 }
    /// Jobs in any of `states` (all states when empty), in `queue` when given.
    public func matching(states: [JobState], queue: String?) -> Int {
        let wanted = states.isEmpty ? JobState.allCases : states
        let rows = queue.map { [byQueue[$0] ?? [:]] } ?? Array(byQueue.values)
        return rows.reduce(0) { sum, row in sum + wanted.reduce(0) { $0 + (row[$1] ?? 0) } }
    }

    /// Jobs in `queue` over all states.
    public func total(queue: String) -> Int { byQueue[queue]?.values.reduce(0, +) ?? 0 }
}

extension JobCounts {
    /// `taskq stats --json` and `GET /api/v1/stats`: `total`, `by_state` (every state, zeros included) and
    /// `by_queue` (queue → state → count), as docs/json.md describes.
    public func jsonObject() -> JSONValue {
        func stateObject(_ pick: (JobState) -> Int) -> JSONValue {
            .object(JobState.allCases.map { ($0.rawValue, .int(Int64(pick($0)))) })
        }
        let perQueue: [(String, JSONValue)] = queues.map { queue in (queue, stateObject { count(queue: queue, state: $0) }) }
        return .obj(("total", .int(Int64(total))), ("by_state", stateObject { count(state: $0) }), ("by_queue", .object(perQueue)))
    }
}
