/// Schedules and fire keys in Redis (layout in docs/redis.md): `PREFIX:schedules` (set of names),
/// `PREFIX:schedule:NAME` (hash) and `PREFIX:fires:NAME` (sorted set of fired ticks). Every change is one script.
extension RedisStore {
    public func purgeableCounts(states: [JobState], finishedBefore before: Millis) async throws -> [JobState: Int] {
        try await purgeableCounts(states: states, finishedBefore: before, page: 5000)
    }

    /// `purgeableCounts` reading `page` index entries per script call.
    func purgeableCounts(states: [JobState], finishedBefore before: Millis, page: Int) async throws -> [JobState: Int] {
        let finished = states.filter(\.isFinished)
        guard !finished.isEmpty else { return [:] }
        var counts: [JobState: Int] = [:]
        var cursor = "-inf", seen = 0
        // Page by page (a score cursor), so a huge finished set never blocks the server for long.
        while true {
            let r = try await connection.run { [cursor, seen] db in
                try self.eval(db, RedisScripts.purgeableCounts, [String(before), cursor, String(seen), String(page),
                                                                 finished.map(\.rawValue).joined(separator: ",")]).array
            }
            guard r.count >= 3 else { return counts }
            for i in stride(from: 3, to: r.count - 1, by: 2) {
                if let state = JobState(rawValue: r[i].string ?? ""), let n = r[i + 1].int { counts[state, default: 0] += Int(n) }
            }
            if Int(r[0].int ?? 0) < page { return counts }
            cursor = r[1].string ?? cursor
            seen = Int(r[2].int ?? 0)
        }
    }

    public func addSchedule(name: String, definition: JSONValue, now: Millis) async throws -> Bool {
        try await connection.run { db in
            try self.eval(db, RedisScripts.addSchedule, [name, definition.serialized(), String(now)]).int == 1
        }
    }

    public func removeSchedule(name: String) async throws -> Bool {
        try await connection.run { db in try self.eval(db, RedisScripts.removeSchedule, [name]).int == 1 }
    }

    public func schedules() async throws -> [ScheduleRecord] {
        try await connection.run { db in
            let r = try self.eval(db, RedisScripts.schedules, []).array
            let entries = stride(from: 0, to: r.count - 1, by: 2).compactMap { i in r[i].string.map { ($0, r[i + 1].array) } }
            return entries.sorted { $0.0 < $1.0 }.compactMap { name, r -> ScheduleRecord? in
                let f = Self.fieldMap(r)
                guard let created = f["created_at"].flatMap({ Int64($0) }) else { return nil }
                return ScheduleRecord(name: name, definition: f["definition"].map { (try? JSONValue.parse($0)) ?? .null },
                                      paused: f["paused"] == "1", baselineAt: f["baseline_at"].flatMap { Int64($0) } ?? created,
                                      lastFireAt: f["last_fire_at"].flatMap { Int64($0) }, lastJobID: f["last_job_id"].flatMap { Int64($0) },
                                      createdAt: created)
            }
        }
    }

    public func registerSchedules(names: [String], now: Millis) async throws {
        guard !names.isEmpty else { return }
        try await connection.run { db in _ = try self.eval(db, RedisScripts.registerSchedules, [String(now)] + names) }
    }

    public func setSchedulePaused(name: String, paused: Bool, now: Millis) async throws -> Bool {
        try await connection.run { db in
            try self.eval(db, RedisScripts.pauseSchedule, [name, paused ? "1" : "0", String(now)]).int == 1
        }
    }

    public func skipTicks(name: String, through tick: Millis, seen: ScheduleMark, now: Millis) async throws -> Bool {
        try await connection.run { db in
            try self.eval(db, RedisScripts.skipTicks, [name, String(tick), String(now)] + Self.markArgs(seen)).int == 1
        }
    }

    public func fireSchedule(name: String, tick: Millis, seen: ScheduleMark, job: NewJob, now: Millis) async throws -> FireResult {
        var args = [String(now), name, String(tick), String(ScheduleRecord.fireKeyRetentionMillis)] + Self.markArgs(seen)
        Self.appendEnqueueArguments(job, now: now, to: &args)
        return try await connection.run { db in
            let r = try self.eval(db, RedisScripts.fireSchedule, args).array
            switch r.first?.string {
            case "fired": return .fired(EnqueueResult(id: r.count > 1 ? r[1].int ?? 0 : 0, created: r.count > 2 && r[2].int == 1))
            case "paused": return .paused
            case "unknown": return .unknownSchedule
            default: return .alreadyFired
            }
        }
    }

    /// A mark as the schedule scripts compare it with the stored fields ('' for no last fire).
    static func markArgs(_ mark: ScheduleMark) -> [String] {
        [String(mark.baselineAt), mark.lastFireAt.map { String($0) } ?? ""]
    }
}
