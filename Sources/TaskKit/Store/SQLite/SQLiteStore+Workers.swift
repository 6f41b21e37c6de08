/// Worker records in SQLite: touches, the list behind `taskq workers`, and removal of dead ones by `taskq purge`.
extension SQLiteStore {
    public func touchWorker(id: String, now: Millis, completed: Int, failed: Int, retried: Int) async throws -> Bool {
        try await connection.run { db in
            try db.writeTransaction {
                try db.prepare("UPDATE taskq_workers SET last_seen = ?, completed = ?, failed = ?, retried = ? WHERE id = ?")
                    .bind([.int(now), .int(Int64(completed)), .int(Int64(failed)), .int(Int64(retried)), .text(id)]).run()
                return db.changes == 1
            }
        }
    }

    public func workers() async throws -> [WorkerInfo] {
        try await connection.run { db in
            let select = try db.prepare("""
                SELECT id, host, pid, queues, concurrency, started_at, last_seen, lease_ms, completed, failed, retried
                FROM taskq_workers ORDER BY id
                """)
            var workers: [WorkerInfo] = []
            while try select.step() {
                workers.append(WorkerInfo(
                    id: select.text(0), host: select.text(1), pid: Int(select.int(2)),
                    queues: select.text(3).split(separator: ",").map(String.init), concurrency: Int(select.int(4)),
                    startedAt: select.int(5), lastSeen: select.int(6), leaseMillis: select.int(7),
                    completed: Int(select.int(8)), failed: Int(select.int(9)), retried: Int(select.int(10))))
            }
            return workers
        }
    }

    /// Served by the partial index taskq_jobs_lease (running jobs only).
    public func runningJobsByWorker() async throws -> [String: Int] {
        try await connection.run { db in
            let select = try db.prepare("""
                SELECT worker, COUNT(*) FROM taskq_jobs WHERE state = 'running' GROUP BY worker
                """)
            var counts: [String: Int] = [:]
            while try select.step() { if let worker = select.optionalText(0) { counts[worker] = Int(select.int(1)) } }
            return counts
        }
    }

    public func removeWorkers(lastSeen: [String: Millis]) async throws -> Int {
        guard !lastSeen.isEmpty else { return 0 }
        return try await connection.run { db in
            try db.writeTransaction {
                var removed = 0
                for (id, seen) in lastSeen {
                    try db.prepare("DELETE FROM taskq_workers WHERE id = ? AND last_seen = ?").bind([.text(id), .int(seen)]).run()
                    removed += db.changes
                }
                return removed
            }
        }
    }
}
