import ArgumentParser
import TaskKit

/// `taskq schedule …`: periodic jobs kept in the store (taskq.toml's `[schedules.NAME]` are listed too).
struct Schedule: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add, list, pause, resume and remove periodic schedules (fired by `taskq beat`).",
        discussion: """
            Schedules come from [schedules.NAME] tables in taskq.toml and from `schedule add`. \
            Expressions: 5 cron fields (minute hour day-of-month month day-of-week, with ranges, lists, steps and \
            jan-dec/sun-sat names), @hourly, @daily, @weekly, @monthly, @yearly, or @every DURATION. See docs/cron.md.
            """,
        subcommands: [ScheduleAdd.self, ScheduleList.self, ScheduleRemove.self, SchedulePause.self, ScheduleResume.self])
}

struct ScheduleAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Store a schedule: a cron expression and the job it enqueues at each tick.",
        discussion: """
            Examples:
              taskq schedule add report --cron '30 2 * * *' --tz Europe/Berlin -- ./report.sh
              taskq schedule add ping --cron '@every 5m' --task echo --args '{"ok":1}'
            Its ticks count from now. Nothing is stored when any value is invalid (exit 64). \
            An unknown task is refused, as by create-job, unless --force is given.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "Schedule name: letters, digits, '.', '_', '-', ':'.")
    var name: String

    @Option(help: ArgumentHelp("When to fire: 5 cron fields, @hourly/@daily/@weekly/@monthly/@yearly or '@every 10m'.", valueName: "expr"))
    var cron: String

    @Option(help: ArgumentHelp("Time zone the cron fields are read in (IANA name, e.g. Europe/Berlin).", valueName: "zone"))
    var tz: String = "UTC"

    @Option(help: ArgumentHelp("After downtime: fire-once (one fire for all missed ticks) or skip.", valueName: "policy"),
            completion: .list(MisfirePolicy.allCases.map(\.rawValue)))
    var misfire: String = MisfirePolicy.fireOnce.rawValue

    @Option(help: ArgumentHelp("Name (label) of the jobs it enqueues. Default: the schedule name.", valueName: "name"))
    var jobName: String?

    @OptionGroup var job: JobOptions

    @Flag(help: "Print the schedule as JSON.")
    var json = false

    @Argument(parsing: .postTerminator, help: ArgumentHelp("Command and arguments for a shell task, after --.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        guard MisfirePolicy(rawValue: misfire) != nil else { throw ValidationError("invalid --misfire '\(misfire)': expected fire-once or skip") }
    }

    func run() async throws {
        let context = try Context(store)
        let request: JobRequest
        do { request = try job.request(name: jobName, command: command) } catch let TaskqError.badInput(message) {
            throw TaskqError.usage(message)
        }
        let definition = try ScheduleDefinition(
            name: name, expression: try ScheduleExpression(cron, timeZone: tz), misfire: MisfirePolicy(rawValue: misfire) ?? .fireOnce,
            job: request, force: job.force, source: .store)
        if context.config.schedule(named: name) != nil {
            throw TaskqError.failed("schedule '\(name)' is defined in \(context.configName); change it there")
        }
        try await context.withStore { store in
            let now = Clock.now()
            // The job must build now (known task, valid options), so a bad schedule is refused rather than failing
            // at every tick.
            var warnings: [String] = []
            let builder = try await job.builder(context, store: store, tasks: [request.task ?? (command.isEmpty ? "" : "shell")])
            do { _ = try builder.build(request, now: now, warnings: &warnings) } catch let TaskqError.badInput(message) {
                throw TaskqError.usage(message) // an invalid schedule is a usage error, whichever option is at fault
            }
            guard try await store.addSchedule(name: name, definition: definition.json, now: now) else {
                throw TaskqError.failed("a schedule named '\(name)' exists; remove it first (taskq schedule remove \(name))")
            }
            if case .every = definition.expression.kind, definition.expression.zone != .utc {
                Output.warning("@every counts elapsed time; --tz \(tz) does not change its ticks")
            }
            let active = ActiveSchedule(definition: definition, record: ScheduleRecord(
                name: name, definition: definition.json, paused: false, baselineAt: now, lastFireAt: nil, lastJobID: nil, createdAt: now))
            if json {
                Output.json(active.jsonObject(now: now, next: 3, job: active.resolvedJob(config: context.config, registry: context.registry),
                                              configName: context.configName))
            } else {
                let next = active.upcoming(after: now, count: 1).first.map { TimeFormat.iso8601($0) } ?? "never"
                Output.line("Schedule \(name) added: \(definition.expression.text) (\(definition.expression.zone.identifier)); next fire \(next).")
            }
        }
    }
}

struct ScheduleList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List schedules with their last and next fire times.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption

    @Option(help: ArgumentHelp("How many upcoming fire times to show.", valueName: "n"))
    var next: Int = 3

    func validate() throws {
        guard next >= 0 && next <= 1000 else { throw ValidationError("--next must be 0-1000") }
    }

    func run() async throws {
        let context = try Context(store)
        let now = Clock.now()
        let (catalog, storeTasks) = try await context.withStore { store in
            let catalog = try await ScheduleCatalog.load(store: store, config: context.config, now: now, register: false)
            let unforced = catalog.schedules.filter { !$0.definition.force }.map(\.taskName)
            return (catalog, try await JobBuilder.announcedTasks(for: unforced, registry: context.registry, store: store))
        }
        catalog.problems.forEach(Output.warning)
        for s in catalog.schedules where !s.definition.force && !context.registry.contains(s.taskName) && !storeTasks.contains(s.taskName) {
            Output.warning("schedule \(s.name): unknown task '\(s.taskName)': beat will not fire it until a worker announces the task (or it is forced)")
        }
        if output.json {
            Output.json(.array(catalog.schedules.map {
                $0.jsonObject(now: now, next: next, job: $0.resolvedJob(config: context.config, registry: context.registry),
                              configName: context.configName)
            }))
            return
        }
        if catalog.schedules.isEmpty { Output.note("No schedules."); return }
        Output.table(["NAME", "SCHEDULE", "ZONE", "TASK", "STATUS", "SOURCE", "LAST FIRE (UTC)", "NEXT FIRES (UTC)"], catalog.schedules.map { s in
            let d = s.definition
            var upcoming = s.upcoming(after: now, count: next).map { TimeFormat.short($0) }
            if let due = s.dueTick(now: now) { upcoming.insert("due now (\(TimeFormat.short(due)))", at: 0) }
            return [s.name, d.expression.text, d.expression.zone.identifier, s.taskName, s.paused ? "paused" : "active",
                    d.source == .config ? context.configName : "store", s.record?.lastFireAt.map { TimeFormat.short($0) } ?? "-",
                    s.paused ? "-" : upcoming.joined(separator: ", ")]
        })
    }
}

struct ScheduleRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Delete a stored schedule (jobs it already enqueued stay).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: "Schedule name.") var name: String

    func run() async throws {
        let context = try Context(store)
        let inConfig = context.config.schedule(named: name) != nil
        guard try await context.withStore({ try await $0.removeSchedule(name: name) }) else {
            if inConfig { throw TaskqError.failed("schedule '\(name)' is defined in \(context.configName); remove it there") }
            throw TaskqError.failed("no stored schedule named '\(name)'")
        }
        if inConfig { Output.note("\(context.configName) still defines a schedule '\(name)'") }
        if output.json { Output.json(.obj(("name", .string(name)), ("status", .string("removed")))) } else { Output.line("Schedule \(name) removed.") }
    }
}

struct SchedulePause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Stop a schedule from firing until it is resumed (works for taskq.toml schedules too).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: "Schedule name.") var name: String

    func run() async throws { try await setPaused(true, name: name, store: store, json: output.json) }
}

struct ScheduleResume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Let a paused schedule fire again; ticks missed while paused are skipped.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: "Schedule name.") var name: String

    func run() async throws { try await setPaused(false, name: name, store: store, json: output.json) }
}

private func setPaused(_ paused: Bool, name: String, store options: StoreOptions, json: Bool) async throws {
    let context = try Context(options)
    let found = try await context.withStore { store -> Bool in
        let now = Clock.now()
        if context.config.schedule(named: name) != nil {
            try await store.registerSchedules(names: [name], now: now)
        }
        return try await store.setSchedulePaused(name: name, paused: paused, now: now)
    }
    guard found else { throw TaskqError.failed("no schedule named '\(name)' (see taskq schedule list)") }
    if json {
        Output.json(.obj(("name", .string(name)), ("paused", .bool(paused))))
    } else {
        Output.line("Schedule \(name) is \(paused ? "paused" : "active").")
    }
}
