/// Schedules (`taskq schedule add` definitions and the state of taskq.toml ones) and their unique fire keys.
public protocol ScheduleStore: AnyObject, Sendable {
    /// Stores a schedule added with `taskq schedule add`; ticks after `now` are due. Returns false when a stored
    /// schedule has the name (a state-only record of a taskq.toml schedule is replaced).
    func addSchedule(name: String, definition: JSONValue, now: Millis) async throws -> Bool
    /// Deletes a stored schedule with its state and fire keys. Returns false when no stored schedule has the name.
    func removeSchedule(name: String) async throws -> Bool
    /// Every schedule record, by name.
    func schedules() async throws -> [ScheduleRecord]
    /// Creates state records (baseline `now`) for taskq.toml schedules that have none.
    func registerSchedules(names: [String], now: Millis) async throws
    /// Pauses or resumes. Resuming moves the baseline to `now`, so ticks missed while paused never fire.
    /// Returns false when there is no record of that name.
    func setSchedulePaused(name: String, paused: Bool, now: Millis) async throws -> Bool
    /// Fires one tick atomically, as the engine decided from a record with mark `seen`: unless the schedule is gone,
    /// paused, or its record no longer has that mark (fired or skipped meanwhile), records the fire key (name, tick),
    /// enqueues `job` and makes `tick` the last fire. Fire keys older than `ScheduleRecord.fireKeyRetentionMillis`
    /// before `tick` are deleted.
    func fireSchedule(name: String, tick: Millis, seen: ScheduleMark, job: NewJob, now: Millis) async throws -> FireResult
    /// Records that the ticks up to `tick` were skipped (misfire policy `skip`): moves the baseline there unless the
    /// schedule is paused or its record no longer has the mark `seen`. Returns whether it moved.
    func skipTicks(name: String, through tick: Millis, seen: ScheduleMark, now: Millis) async throws -> Bool
}
