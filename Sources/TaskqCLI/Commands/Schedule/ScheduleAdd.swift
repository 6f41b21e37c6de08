import ArgumentParser
import TaskKit

struct ScheduleAdd: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Store a schedule: a cron expression and the job it enqueues at each tick.",
        discussion: """
            Examples:
              taskq schedule add report --cron '30 2 * * *' --tz Europe/Berlin -- ./report.sh
              taskq schedule add ping --cron '@every 5m' --task echo --args '{"ok":1}'

            Only ticks after now fire (@every ticks fall on multiples of the interval since 1970-01-01 UTC, so @every 5m \
            fires at :00, :05, …). Nothing is stored when any value is invalid (exit 64). \
            An unknown task is refused, as by create-job, unless --force is given.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "Schedule name: ASCII letters, digits, '.', '_', '-', ':'.")
    var name: String

    @Option(help: ArgumentHelp("When to fire: 5 cron fields, @hourly/@daily/@weekly/@monthly/@yearly or '@every 10m'.", valueName: "expr"))
    var cron: String

    @Option(help: ArgumentHelp("Time zone the cron fields are read in (IANA name, e.g. Europe/Berlin).", valueName: "zone"),
            completion: DynamicCompletion.timeZones)
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
        guard MisfirePolicy(rawValue: misfire) != nil else { throw ValidationError("invalid --misfire '\(TerminalText.escaped(misfire))': expected fire-once or skip") }
    }

    func run(registry: TaskRegistry) async throws {
        let context = try Context(store, registry: registry)
        // Malformed JSON in --args is bad input data (65), as for create-job (docs/contracts.md).
        let request = try job.request(name: jobName, command: command)
        let definition = try ScheduleDefinition(
            name: name, expression: try ScheduleExpression(cron, timeZone: tz), misfire: MisfirePolicy(rawValue: misfire) ?? .fireOnce,
            job: request, force: job.force, source: .store)
        try ScheduleCatalog.checkAddable(name: name, config: context.config)
        let now = Clock.now()
        let active = try await context.withStore {
            try await ScheduleCatalog.add(definition, store: $0, config: context.config, registry: context.registry, now: now)
        }
        if case .every = definition.expression.kind, definition.expression.zone != .utc {
            Output.warning("@every counts elapsed time; --tz \(tz) does not change its ticks")
        }
        if json {
            Output.json(active.jsonObject(now: now, next: 3, job: active.resolvedJob(config: context.config, registry: context.registry),
                                          configName: context.configName))
        } else {
            let next = active.upcoming(after: now, count: 1).first.map { TimeFormat.iso8601($0) } ?? "never"
            Output.line("Schedule \(name) added: \(definition.expression.text) (\(definition.expression.zone.identifier)); next fire \(next).")
        }
    }
}
