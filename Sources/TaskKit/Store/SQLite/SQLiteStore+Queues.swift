/// Queue pauses in SQLite (the `taskq_queues` table) and the oldest waiting job per queue. A claim reads the paused
/// queues inside its own `BEGIN IMMEDIATE` transaction (`SQLiteSQL.pausedQueues`); a resume's commit wakes waiting
/// workers like any other commit.
extension SQLiteStore {
    public func setQueuePaused(_ queue: String, paused: Bool, now: Millis) async throws -> Bool {
        try await connection.run { db in
            try db.writeTransaction {
                let current = try db.prepare("SELECT paused FROM taskq_queues WHERE name = ?").bind([.text(queue)])
                let wasPaused = try current.step() && current.int(0) != 0
                guard wasPaused != paused else { return false }
                try db.prepare("""
                    INSERT INTO taskq_queues (name, paused, paused_at, updated_at) VALUES (?1, ?2, ?3, ?4)
                    ON CONFLICT (name) DO UPDATE SET paused = ?2, paused_at = ?3, updated_at = ?4
                    """).bind([.text(queue), .int(paused ? 1 : 0), paused ? .int(now) : .null, .int(now)]).run()
                return true
            }
        }
    }

    public func pausedQueues() async throws -> [String: Millis] {
        try await connection.run { db in
            let select = try db.prepare("SELECT name, COALESCE(paused_at, updated_at) FROM taskq_queues WHERE paused = 1")
            var paused: [String: Millis] = [:]
            while try select.step() { paused[select.text(0)] = select.int(1) }
            return paused
        }
    }

    /// One seek of the claim index per queue and priority.
    public func oldestWaiting(queues: [String], now: Millis) async throws -> [String: Millis] {
        guard !queues.isEmpty else { return [:] }
        return try await connection.run { db in
            var oldest: [String: Millis] = [:]
            let select = try db.prepare(SQLiteSQL.oldestDueAtPriority)
            for queue in queues {
                for priority in Priority.range {
                    select.reset()
                    try select.bind([.text(queue), .int(Int64(priority)), .int(now)])
                    if try select.step() {
                        let runAt = select.int(0)
                        oldest[queue] = min(oldest[queue] ?? runAt, runAt)
                    }
                }
            }
            return oldest
        }
    }
}
