/// Queue pauses in Redis (`queues:paused`, checked by the claim script; `queues:paused_at`) and the oldest waiting
/// job per queue. A resume pushes a wake token, so workers blocked on the queue's wake list take its jobs at once.
extension RedisStore {
    /// Due `delayed` entries `oldestWaiting` reads at most (they pile up only while no worker claims).
    static let delayedScanBudget = 2_000

    public func setQueuePaused(_ queue: String, paused: Bool, now: Millis) async throws -> Bool {
        try await connection.run { db in
            try self.eval(db, RedisScripts.setQueuePaused, [queue, paused ? "1" : "0", String(now)]).int == 1
        }
    }

    public func pausedQueues() async throws -> [String: Millis] {
        try await connection.run { db in
            let names = try db.command(["SMEMBERS", "\(self.p):queues:paused"]).array.compactMap(\.string)
            let at = RedisStore.fieldMap(try db.command(["HGETALL", "\(self.p):queues:paused_at"]).array)
            return Dictionary(names.map { ($0, at[$0].flatMap { Int64($0) } ?? 0) }, uniquingKeysWith: { a, _ in a })
        }
    }

    public func oldestWaiting(queues: [String], now: Millis) async throws -> [String: Millis] {
        guard !queues.isEmpty else { return [:] }
        let r = try await connection.run { db in
            try self.eval(db, RedisScripts.oldestWaiting, [String(now), String(Self.delayedScanBudget)] + queues).array
        }
        var oldest: [String: Millis] = [:]
        for i in stride(from: 0, to: r.count - 1, by: 2) {
            if let queue = r[i].string, let at = r[i + 1].string.flatMap({ Int64($0) }) { oldest[queue] = at }
        }
        return oldest
    }
}
