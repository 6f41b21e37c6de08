import ArgumentParser
import TaskKit

struct ScheduleList: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List schedules with their last and next fire times.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption

    @Option(help: ArgumentHelp("How many upcoming fire times to show, 0-1000.", valueName: "n"))
    var next: Int = 3

    func validate() throws {
        guard next >= 0 && next <= 1000 else { throw ValidationError("--next must be 0-1000") }
    }

    func run(registry: TaskRegistry) async throws {
        let context = try Context(store, registry: registry)
        let now = Clock.now()
        let (catalog, warnings) = try await context.withStore {
            try await ScheduleCatalog.overview(store: $0, config: context.config, registry: context.registry, now: now)
        }
        warnings.forEach(Output.warning)
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
