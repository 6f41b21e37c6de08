/// Worker records in PostgreSQL: touches, the list behind `taskq workers`, and removal of dead ones by `taskq purge`.
extension PostgresStore {
    public func touchWorker(id: String, now: Millis, completed: Int, failed: Int, retried: Int) async throws -> Bool {
        try await connection.run { db in
            try db.exec("UPDATE taskq_workers SET last_seen = $2, completed = $3, failed = $4, retried = $5 WHERE id = $1",
                        [id, String(now), String(completed), String(failed), String(retried)]).affected == 1
        }
    }

    public func workers() async throws -> [WorkerInfo] {
        try await connection.run { db in
            let r = try db.exec("""
                SELECT id, host, pid::text, queues, concurrency::text, started_at::text, last_seen::text, lease_ms::text,
                       completed::text, failed::text, retried::text
                FROM taskq_workers ORDER BY id
                """, [])
            return (0..<r.rowCount).map { row in
                WorkerInfo(id: r.string(row, 0), host: r.string(row, 1), pid: Int(r.int(row, 2)),
                           queues: r.string(row, 3).split(separator: ",").map(String.init), concurrency: Int(r.int(row, 4)),
                           startedAt: r.int(row, 5), lastSeen: r.int(row, 6), leaseMillis: r.int(row, 7),
                           completed: Int(r.int(row, 8)), failed: Int(r.int(row, 9)), retried: Int(r.int(row, 10)))
            }
        }
    }

    /// Served by the partial index taskq_jobs_lease (running jobs only).
    public func runningJobsByWorker() async throws -> [String: Int] {
        try await connection.run { db in
            let r = try db.exec("SELECT worker, count(*)::text FROM taskq_jobs WHERE state = 'running' AND worker IS NOT NULL GROUP BY worker", [])
            var counts: [String: Int] = [:]
            for row in 0..<r.rowCount { counts[r.string(row, 0)] = Int(r.int(row, 1)) }
            return counts
        }
    }

    public func removeWorkers(lastSeen: [String: Millis]) async throws -> Int {
        guard !lastSeen.isEmpty else { return 0 }
        let ids = Array(lastSeen.keys)
        return try await connection.run { db in
            try db.exec("""
                DELETE FROM taskq_workers w USING unnest($1::text[], $2::bigint[]) AS t(id, seen)
                WHERE w.id = t.id AND w.last_seen = t.seen
                """, [PGArray.text(ids), PGArray.ints(ids.map { lastSeen[$0] })]).affected
        }
    }
}
