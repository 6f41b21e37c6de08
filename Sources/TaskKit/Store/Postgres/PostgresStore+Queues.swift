/// Queue pauses in PostgreSQL (the `taskq_queues` table; the claim statement skips paused queues) and the oldest
/// waiting job per queue. A resume notifies the queue's listeners, so idle workers take its jobs at once.
extension PostgresStore {
    public func setQueuePaused(_ queue: String, paused: Bool, now: Millis) async throws -> Bool {
        let channel = target.channel
        return try await connection.run { db in
            try db.transaction {
                let current = try db.exec("SELECT paused FROM taskq_queues WHERE name = $1 FOR UPDATE", [queue])
                let wasPaused = current.rowCount == 1 && current.bool(0, 0)
                guard wasPaused != paused else { return false }
                try db.exec("""
                    INSERT INTO taskq_queues (name, paused, paused_at, updated_at) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, paused_at = excluded.paused_at,
                        updated_at = excluded.updated_at
                    """, [queue, paused ? "true" : "false", paused ? String(now) : nil, String(now)])
                if !paused { try db.exec(PostgresSQL.notifyQueues, [channel, PGArray.text([queue])]) }
                return true
            }
        }
    }

    public func pausedQueues() async throws -> [String: Millis] {
        try await connection.run { db in
            let r = try db.exec("SELECT name, COALESCE(paused_at, updated_at) FROM taskq_queues WHERE paused", [])
            var paused: [String: Millis] = [:]
            for row in 0..<r.rowCount { paused[r.string(row, 0)] = r.int(row, 1) }
            return paused
        }
    }

    public func oldestWaiting(queues: [String], now: Millis) async throws -> [String: Millis] {
        guard !queues.isEmpty else { return [:] }
        let params: [String?] = [PGArray.text(queues), String(now), String(Priority.range.lowerBound), String(Priority.range.upperBound)]
        return try await connection.run { db in
            let r = try db.exec(PostgresSQL.oldestWaiting, params)
            var oldest: [String: Millis] = [:]
            for row in 0..<r.rowCount { oldest[r.string(row, 0)] = r.int(row, 1) }
            return oldest
        }
    }
}
