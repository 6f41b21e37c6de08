/// One schedule as beat and `schedule list` see it: its definition (from taskq.toml or the store) and its state.
public struct ActiveSchedule: Sendable {
    public var definition: ScheduleDefinition
    /// The store's record; nil for a taskq.toml schedule no beat has seen yet.
    public var record: ScheduleRecord?

    public init(definition: ScheduleDefinition, record: ScheduleRecord?) {
        self.definition = definition
        self.record = record
    }

    public var name: String { definition.name }
    /// The task its jobs run (`shell` for a command).
    public var taskName: String { definition.job.task ?? (definition.job.command == nil ? "" : "shell") }
    public var paused: Bool { record?.paused ?? false }

    /// Ticks after this are due.
    public func firedThrough(now: Millis) -> Millis { record?.firedThrough ?? now }

    /// The next `count` ticks after `now` (none while paused).
    public func upcoming(after now: Millis, count: Int) -> [Millis] {
        paused ? [] : definition.expression.fires(after: now, count: count)
    }
}

/// Merges the schedules of taskq.toml with those stored by `taskq schedule add`. A name defined in both is taken from
/// taskq.toml; the stored one is reported in `problems`, as is a stored definition that no longer parses.
public struct ScheduleCatalog: Sendable {
    public var schedules: [ActiveSchedule]
    /// One line per schedule that could not be used.
    public var problems: [String]

    /// Reads the store's records. With `register`, first creates state records for taskq.toml schedules (what beat
    /// does, so their ticks count from the moment a beat first saw them).
    public static func load(store: TaskqStore, config: TaskqConfig, now: Millis, register: Bool) async throws -> ScheduleCatalog {
        if register { try await store.registerSchedules(names: config.schedules.map(\.name), now: now) }
        let records = try await store.schedules()
        var byName: [String: ScheduleRecord] = [:]
        for record in records { byName[record.name] = record }
        var schedules = config.schedules.map { ActiveSchedule(definition: $0, record: byName[$0.name]) }
        let configNames = Set(config.schedules.map(\.name))
        var problems: [String] = []
        for record in records {
            guard let stored = record.definition else { continue }
            if configNames.contains(record.name) {
                problems.append("schedule '\(TerminalText.escaped(record.name))' is defined both in taskq.toml and in the store; taskq.toml's is used (remove one)")
                continue
            }
            do {
                let definition = try ScheduleDefinition(name: record.name, json: stored, source: .store)
                schedules.append(ActiveSchedule(definition: definition, record: record))
            } catch let error as TaskqError {
                problems.append("stored schedule '\(TerminalText.escaped(record.name))' cannot be used: \(error.description)")
            }
        }
        schedules.sort { $0.name < $1.name }
        return ScheduleCatalog(schedules: schedules, problems: problems)
    }

    /// Checks that the job of every `[schedules.NAME]` in `config` builds now, with the file's defaults and named
    /// tasks (any task name accepted), so a bad schedule is refused when the file is read rather than failing at
    /// every tick. Throws `TaskqError.badInput` naming the file, the table's line and the schedule, the form of
    /// `TaskqConfig.load`'s errors.
    public static func checkJobs(of config: TaskqConfig) throws {
        // The built-ins and the file's own tasks, so a command task's missing `{key}` argument is refused here too.
        let builder = JobBuilder(config: config, registry: .standard(config: config), force: true, keyNames: true)
        for schedule in config.schedules {
            var warnings: [String] = []
            do { _ = try builder.build(schedule.jobRequest, now: 0, warnings: &warnings) } catch let error as TaskqError {
                let line = config.scheduleLines[schedule.name].map { ":\($0)" } ?? ""
                throw TaskqError.badInput("\(config.path ?? TaskqConfig.fileName)\(line): [schedules.\(schedule.name)] \(error.description)")
            }
        }
    }
}

extension ActiveSchedule {
    /// The latest tick that is due but neither fired nor skipped yet (beat not running, or about to fire it); nil
    /// when there is none or when the misfire policy will skip it.
    public func dueTick(now: Millis) -> Millis? {
        guard !paused, let tick = definition.expression.latestFire(after: firedThrough(now: now), notAfter: now) else { return nil }
        if definition.misfire == .skip && now - tick > MisfirePolicy.graceMillis { return nil }
        return tick
    }

    /// The job it enqueues at each tick, with defaults applied as beat would (nil when it cannot be built).
    public func resolvedJob(config: TaskqConfig, registry: TaskRegistry) -> NewJob? {
        var warnings: [String] = []
        return try? JobBuilder(config: config, registry: registry, force: true).build(definition.jobRequest, now: 0, warnings: &warnings)
    }

    /// The JSON shape of `schedule list --json`: the schedule, its state, its next `next` fire times and the job it
    /// enqueues (`job`, the fields of a job object; null when it cannot be built). `configName` labels taskq.toml
    /// schedules' `source`.
    public func jsonObject(now: Millis, next: Int, job: NewJob?, configName: String) -> JSONValue {
        let fires = upcoming(after: now, count: max(next, 1))
        return .obj(
            ("name", .string(name)), ("cron", .string(definition.expression.text)),
            ("timezone", .string(definition.expression.zone.identifier)), ("misfire", .string(definition.misfire.rawValue)),
            ("force", .bool(definition.force)),
            ("source", .string(definition.source == .config ? configName : "store")),
            ("paused", .bool(paused)),
            ("last_fire_at", .time(record?.lastFireAt)),
            ("last_job_id", record?.lastJobID.map { .int($0) } ?? .null),
            ("due_tick", .time(dueTick(now: now))),
            ("next_fire_at", .time(fires.first)),
            ("next_fires", .array(fires.prefix(next).map { .time($0) })),
            ("job", job.map { job in
                .obj(("name", .string(job.name)), ("task", .string(job.task)), ("args", job.args), ("queue", .string(job.queue)),
                     ("priority", .int(Int64(job.priority))), ("max_retries", .int(Int64(job.maxRetries))),
                     ("backoff", .string(job.retryPolicy.backoff.rawValue)), ("retry_delay_ms", .int(job.retryPolicy.baseDelayMillis)),
                     ("timeout_ms", job.timeoutMillis.map { .int($0) } ?? .null),
                     ("unique_key", job.uniqueKey.map { .string($0) } ?? .null))
            } ?? .null))
    }
}
