/// Worker records in Redis (`workers`, `workers:seen`, `workers:tally`): touches, the list behind `taskq workers`,
/// and removal of dead ones by `taskq purge`. Each call is one script.
extension RedisStore {
    public func touchWorker(id: String, now: Millis, completed: Int, failed: Int, retried: Int) async throws -> Bool {
        try await connection.run { db in
            try self.eval(db, RedisScripts.touchWorker, [id, String(now), String(completed), String(failed), String(retried)]).int == 1
        }
    }

    public func workers() async throws -> [WorkerInfo] {
        let r = try await connection.run { db in try self.eval(db, RedisScripts.workers, []).array }
        guard r.count == 3 else { return [] }
        let records = RedisStore.fieldMap(r[0].array), seen = RedisStore.fieldMap(r[1].array), tally = RedisStore.fieldMap(r[2].array)
        return records.keys.sorted().compactMap { id in
            guard let text = records[id], case let .object(pairs)? = try? JSONValue.parse(text) else { return nil }
            let f = Dictionary(pairs, uniquingKeysWith: { a, _ in a })
            func int(_ key: String) -> Int64? { if case let .int(v)? = f[key] { return v }; return nil }
            func string(_ key: String) -> String { if case let .string(v)? = f[key] { return v }; return "" }
            let counts = (tally[id] ?? "").split(separator: ",").map { Int($0) ?? 0 }
            let started = int("started_at") ?? 0
            return WorkerInfo(id: id, host: string("host"), pid: Int(int("pid") ?? 0),
                              queues: string("queues").split(separator: ",").map(String.init), concurrency: Int(int("concurrency") ?? 0),
                              startedAt: started, lastSeen: seen[id].flatMap { Int64($0) } ?? started,
                              leaseMillis: int("lease_ms") ?? WorkerOptions().leaseMillis,
                              completed: counts.first ?? 0, failed: counts.count > 1 ? counts[1] : 0,
                              retried: counts.count > 2 ? counts[2] : 0)
        }
    }

    public func runningJobsByWorker() async throws -> [String: Int] {
        let r = try await connection.run { db in try self.eval(db, RedisScripts.runningByWorker, []).array }
        var counts: [String: Int] = [:]
        for i in stride(from: 0, to: r.count - 1, by: 2) { if let worker = r[i].string { counts[worker] = Int(r[i + 1].int ?? 0) } }
        return counts
    }

    public func removeWorkers(lastSeen: [String: Millis]) async throws -> Int {
        guard !lastSeen.isEmpty else { return 0 }
        let args = lastSeen.flatMap { [$0.key, String($0.value)] }
        return try await connection.run { db in Int(try self.eval(db, RedisScripts.removeWorkers, args).int ?? 0) }
    }
}
