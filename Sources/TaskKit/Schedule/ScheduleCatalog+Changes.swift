/// What `taskq schedule add/remove/pause/resume/list` do, so the commands only parse, call and print. Errors are
/// `TaskqError`s with the words the user sees.
extension ScheduleCatalog {
    /// Refuses to add a stored schedule whose name a `[schedules.NAME]` in `config` already uses (checked before
    /// the store is opened).
    public static func checkAddable(name: String, config: TaskqConfig) throws {
        if config.schedule(named: name) != nil {
            throw TaskqError.failed("schedule '\(TerminalText.escaped(name))' is defined in \(config.displayName); change it there")
        }
    }

    /// Stores a `schedule add` definition, its ticks counting from `now`. Its job must build now (known task unless
    /// `definition.force`, valid options), so a bad schedule is refused rather than failing at every tick, with
    /// `create-job`'s errors (usage, or bad input data for args that are not a JSON object); a stored schedule of
    /// that name is `.failed`.
    /// Nothing is stored when it throws. Returns the schedule as `schedule list` shows it.
    public static func add(_ definition: ScheduleDefinition, store: TaskqStore, config: TaskqConfig, registry: TaskRegistry,
                           now: Millis) async throws -> ActiveSchedule {
        let name = definition.name
        let unrecorded = ActiveSchedule(definition: definition, record: nil)
        let builder = try await JobBuilder.forEnqueue(config: config, registry: registry, store: store,
                                                      tasks: [unrecorded.taskName], force: definition.force)
        var warnings: [String] = []
        _ = try builder.build(definition.job, now: now, warnings: &warnings)
        guard try await store.addSchedule(name: name, definition: definition.json, now: now) else {
            throw TaskqError.failed("a schedule named '\(TerminalText.escaped(name))' exists; remove it first (taskq schedule remove \(name))")
        }
        return ActiveSchedule(definition: definition, record: ScheduleRecord(
            name: name, definition: definition.json, paused: false, baselineAt: now, lastFireAt: nil, lastJobID: nil, createdAt: now))
    }

    /// Deletes the stored schedule `name` (jobs it enqueued stay). Throws `.failed` when the store has none of that
    /// name. Returns whether `config` still defines a schedule of that name (which keeps firing).
    public static func remove(name: String, store: TaskqStore, config: TaskqConfig) async throws -> Bool {
        let inConfig = config.schedule(named: name) != nil
        guard try await store.removeSchedule(name: name) else {
            if inConfig { throw TaskqError.failed("schedule '\(TerminalText.escaped(name))' is defined in \(config.displayName); remove it there") }
            throw TaskqError.failed("no stored schedule named '\(TerminalText.escaped(name))'")
        }
        return inConfig
    }

    /// Pauses or resumes `name`, stored or from `config` (whose state record is created first when no beat has seen
    /// it yet). Resuming skips the ticks missed while paused. Throws `.notFound` for a name `schedule list` does not
    /// show, including the state record a schedule removed from `config` leaves behind.
    /// Returns whether it changed anything: pausing a paused schedule or resuming an active one leaves it alone
    /// (a resume would otherwise move its baseline, skipping a tick that is due).
    @discardableResult
    public static func setPaused(_ paused: Bool, name: String, store: TaskqStore, config: TaskqConfig, now: Millis) async throws -> Bool {
        let notFound = TaskqError.notFound("no schedule named '\(TerminalText.escaped(name))' (see taskq schedule list)")
        if config.schedule(named: name) != nil {
            try await store.registerSchedules(names: [name], now: now)
        }
        guard let record = try await store.schedules().first(where: { $0.name == name }),
              record.definition != nil || config.schedule(named: name) != nil else { throw notFound }
        if record.paused == paused { return false }
        guard try await store.setSchedulePaused(name: name, paused: paused, now: now) else { throw notFound }
        return true
    }

    /// The catalog as `schedule list` shows it, with one warning per problem: unusable stored schedules, then
    /// schedules whose task neither `registry` nor any worker knows (beat would not fire them). The store is asked
    /// for announced tasks only when some task is unknown to `registry`.
    public static func overview(store: TaskqStore, config: TaskqConfig, registry: TaskRegistry,
                                now: Millis) async throws -> (catalog: ScheduleCatalog, warnings: [String]) {
        let catalog = try await load(store: store, config: config, now: now, register: false)
        let unforced = catalog.schedules.filter { !$0.definition.force }
        let storeTasks = try await JobBuilder.announcedTasks(for: unforced.map(\.taskName), registry: registry, store: store)
        var warnings = catalog.problems
        for s in unforced where !registry.contains(s.taskName) && !storeTasks.contains(s.taskName) {
            warnings.append("schedule \(s.name): unknown task '\(TerminalText.escaped(s.taskName))': beat will not fire it until a worker announces the task (or it is forced)")
        }
        return (catalog, warnings)
    }
}
