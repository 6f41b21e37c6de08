/// Schedules and fire keys in PostgreSQL. A fire is one transaction that locks the schedule row (`FOR UPDATE`, so
/// concurrent beats serialise on it), inserts the fire key, enqueues the job and records the fire.
extension PostgresStore {
    public func purgeableCounts(states: [JobState], finishedBefore before: Millis) async throws -> [JobState: Int] {
        let finished = states.filter(\.isFinished)
        guard !finished.isEmpty else { return [:] }
        return try await connection.run { db in
            let r = try db.exec(PostgresSQL.purgeableCounts, [PGArray.text(finished.map(\.rawValue)), String(before)])
            var counts: [JobState: Int] = [:]
            for row in 0..<r.rowCount { if let state = JobState(rawValue: r.string(row, 0)) { counts[state] = Int(r.int(row, 1)) } }
            return counts
        }
    }

    public func addSchedule(name: String, definition: JSONValue, now: Millis) async throws -> Bool {
        try await connection.run { db in
            // Inserts a new row, or turns a state-only row (a taskq.toml schedule's) into a stored schedule.
            let r = try db.exec("""
                INSERT INTO taskq_schedules (name, definition, paused, baseline_at, created_at, updated_at)
                VALUES ($1, $2::jsonb, false, $3, $3, $3)
                ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, paused = false,
                    baseline_at = excluded.baseline_at, last_fire_at = NULL, last_job_id = NULL,
                    created_at = excluded.created_at, updated_at = excluded.updated_at
                WHERE taskq_schedules.definition IS NULL
                """, [name, definition.serialized(), String(now)])
            return r.affected == 1
        }
    }

    public func removeSchedule(name: String) async throws -> Bool {
        try await connection.run { db in
            try db.exec("DELETE FROM taskq_schedules WHERE name = $1 AND definition IS NOT NULL", [name]).affected == 1
        }
    }

    public func schedules() async throws -> [ScheduleRecord] {
        try await connection.run { db in
            let r = try db.exec("""
                SELECT name, definition::text, paused, baseline_at, last_fire_at, last_job_id, created_at
                FROM taskq_schedules ORDER BY name
                """, [])
            return (0..<r.rowCount).map {
                ScheduleRecord(name: r.string($0, 0), definition: r.optionalString($0, 1).map { (try? JSONValue.parse($0)) ?? .null },
                               paused: r.bool($0, 2), baselineAt: r.int($0, 3), lastFireAt: r.optionalInt($0, 4),
                               lastJobID: r.optionalInt($0, 5), createdAt: r.int($0, 6))
            }
        }
    }

    public func registerSchedules(names: [String], now: Millis) async throws {
        guard !names.isEmpty else { return }
        try await connection.run { db in
            try db.exec("""
                INSERT INTO taskq_schedules (name, paused, baseline_at, created_at, updated_at)
                SELECT n, false, $2, $2, $2 FROM unnest($1::text[]) AS n
                ON CONFLICT (name) DO NOTHING
                """, [PGArray.text(names), String(now)])
        }
    }

    public func setSchedulePaused(name: String, paused: Bool, now: Millis) async throws -> Bool {
        try await connection.run { db in
            // Resuming a running schedule changes nothing; resuming a paused one skips the ticks it missed.
            try db.exec("""
                UPDATE taskq_schedules SET
                    baseline_at = CASE WHEN paused AND NOT $2::boolean THEN $3 ELSE baseline_at END,
                    paused = $2::boolean, updated_at = $3
                WHERE name = $1
                """, [name, paused ? "true" : "false", String(now)]).affected == 1
        }
    }

    public func skipTicks(name: String, through tick: Millis, seen: ScheduleMark, now: Millis) async throws -> Bool {
        try await connection.run { db in
            try db.exec("""
                UPDATE taskq_schedules SET baseline_at = $2, updated_at = $3
                WHERE name = $1 AND NOT paused AND baseline_at = $4 AND last_fire_at IS NOT DISTINCT FROM $5::bigint
                """, [name, String(tick), String(now), String(seen.baselineAt), seen.lastFireAt.map { String($0) }]).affected == 1
        }
    }

    public func fireSchedule(name: String, tick: Millis, seen: ScheduleMark, job: NewJob, now: Millis) async throws -> FireResult {
        let channel = target.channel
        return try await connection.run { db in
            try db.transaction {
                let row = try db.exec("SELECT paused, last_fire_at, baseline_at FROM taskq_schedules WHERE name = $1 FOR UPDATE", [name])
                guard row.rowCount == 1 else { return .unknownSchedule }
                if row.bool(0, 0) { return .paused }
                if ScheduleMark(baselineAt: row.int(0, 2), lastFireAt: row.optionalInt(0, 1)) != seen { return .alreadyFired }
                let key = try db.exec("""
                    INSERT INTO taskq_schedule_fires (schedule, fire_at, fired_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING
                    """, [name, String(tick), String(now)])
                guard key.affected == 1 else { return .alreadyFired }
                let result = try Self.insert([job], db: db, now: now, channel: channel)[0]
                try db.exec("""
                    WITH fire AS (UPDATE taskq_schedule_fires SET job_id = $3 WHERE schedule = $1 AND fire_at = $2),
                         pruned AS (DELETE FROM taskq_schedule_fires WHERE schedule = $1 AND fire_at < $2 - $5::bigint)
                    UPDATE taskq_schedules SET last_fire_at = $2, last_job_id = $3, updated_at = $4 WHERE name = $1
                    """, [name, String(tick), String(result.id), String(now), String(ScheduleRecord.fireKeyRetentionMillis)])
                return .fired(result)
            }
        }
    }
}
