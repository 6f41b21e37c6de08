/// Schedules and fire keys in SQLite: each call one transaction; a fire is one `BEGIN IMMEDIATE` transaction that
/// checks the schedule row, inserts the fire key, enqueues the job and records the fire.
extension SQLiteStore {
    public func addSchedule(name: String, definition: JSONValue, now: Millis) async throws -> Bool {
        try await connection.run { db in
            try db.writeTransaction {
                let existing = try db.prepare("SELECT definition IS NOT NULL FROM taskq_schedules WHERE name = ?").bind([.text(name)])
                if try existing.step() {
                    if existing.int(0) != 0 { return false }
                    try db.prepare("DELETE FROM taskq_schedules WHERE name = ?").bind([.text(name)]).run()
                }
                try db.prepare("""
                    INSERT INTO taskq_schedules (name, definition, paused, baseline_at, created_at, updated_at)
                    VALUES (?, ?, 0, ?, ?, ?)
                    """).bind([.text(name), .text(definition.serialized()), .int(now), .int(now), .int(now)]).run()
                return true
            }
        }
    }

    public func removeSchedule(name: String) async throws -> Bool {
        try await connection.run { db in
            try db.writeTransaction {
                try db.prepare("DELETE FROM taskq_schedules WHERE name = ? AND definition IS NOT NULL").bind([.text(name)]).run()
                guard db.changes == 1 else { return false }
                try db.prepare("DELETE FROM taskq_schedule_fires WHERE schedule = ?").bind([.text(name)]).run()
                return true
            }
        }
    }

    public func schedules() async throws -> [ScheduleRecord] {
        try await connection.run { db in
            let select = try db.prepare("""
                SELECT name, definition, paused, baseline_at, last_fire_at, last_job_id, created_at
                FROM taskq_schedules ORDER BY name
                """)
            var records: [ScheduleRecord] = []
            while try select.step() {
                records.append(ScheduleRecord(
                    name: select.text(0), definition: select.optionalText(1).map { (try? JSONValue.parse($0)) ?? .null },
                    paused: select.int(2) != 0, baselineAt: select.int(3), lastFireAt: select.optionalInt(4),
                    lastJobID: select.optionalInt(5), createdAt: select.int(6)))
            }
            return records
        }
    }

    public func registerSchedules(names: [String], now: Millis) async throws {
        guard !names.isEmpty else { return }
        try await connection.run { db in
            try db.writeTransaction {
                for name in names {
                    try db.prepare("""
                        INSERT INTO taskq_schedules (name, paused, baseline_at, created_at, updated_at) VALUES (?, 0, ?, ?, ?)
                        ON CONFLICT (name) DO NOTHING
                        """).bind([.text(name), .int(now), .int(now), .int(now)]).run()
                }
            }
        }
    }

    public func setSchedulePaused(name: String, paused: Bool, now: Millis) async throws -> Bool {
        try await connection.run { db in
            try db.writeTransaction {
                // Resuming a running schedule changes nothing; resuming a paused one skips the ticks it missed.
                try db.prepare("""
                    UPDATE taskq_schedules SET
                        baseline_at = CASE WHEN paused = 1 AND ?1 = 0 THEN ?2 ELSE baseline_at END,
                        paused = ?1, updated_at = ?2
                    WHERE name = ?3
                    """).bind([.int(paused ? 1 : 0), .int(now), .text(name)]).run()
                return db.changes == 1
            }
        }
    }

    public func skipTicks(name: String, through tick: Millis, seen: ScheduleMark, now: Millis) async throws -> Bool {
        try await connection.run { db in
            try db.writeTransaction {
                try db.prepare("""
                    UPDATE taskq_schedules SET baseline_at = ?1, updated_at = ?2
                    WHERE name = ?3 AND paused = 0 AND baseline_at = ?4 AND last_fire_at IS ?5
                    """).bind([.int(tick), .int(now), .text(name), .int(seen.baselineAt), .optional(seen.lastFireAt)]).run()
                return db.changes == 1
            }
        }
    }

    public func fireSchedule(name: String, tick: Millis, seen: ScheduleMark, job: NewJob, now: Millis) async throws -> FireResult {
        try await connection.run { db in
            try db.writeTransaction {
                let row = try db.prepare("SELECT paused, last_fire_at, baseline_at FROM taskq_schedules WHERE name = ?")
                    .bind([.text(name)])
                guard try row.step() else { return .unknownSchedule }
                if row.int(0) != 0 { return .paused }
                if ScheduleMark(baselineAt: row.int(2), lastFireAt: row.optionalInt(1)) != seen { return .alreadyFired }
                try db.prepare("""
                    INSERT INTO taskq_schedule_fires (schedule, fire_at, fired_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING
                    """).bind([.text(name), .int(tick), .int(now)]).run()
                guard db.changes == 1 else { return .alreadyFired }
                let result = try Self.insert([job], db: db, now: now)[0]
                try db.prepare("UPDATE taskq_schedule_fires SET job_id = ? WHERE schedule = ? AND fire_at = ?")
                    .bind([.int(result.id), .text(name), .int(tick)]).run()
                try db.prepare("UPDATE taskq_schedules SET last_fire_at = ?, last_job_id = ?, updated_at = ? WHERE name = ?")
                    .bind([.int(tick), .int(result.id), .int(now), .text(name)]).run()
                try db.prepare("DELETE FROM taskq_schedule_fires WHERE schedule = ? AND fire_at < ?")
                    .bind([.text(name), .int(tick - ScheduleRecord.fireKeyRetentionMillis)]).run()
                return .fired(result)
            }
        }
    }
}
