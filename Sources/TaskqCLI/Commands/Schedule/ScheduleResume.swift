import ArgumentParser
import TaskKit

struct ScheduleResume: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Let a paused schedule fire again; ticks missed while paused are skipped.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: "Schedule name.", completion: DynamicCompletion.schedules) var name: String

    func run(registry: TaskRegistry) async throws {
        let context = try Context(store, registry: registry)
        let changed = try await context.withStore {
            try await ScheduleCatalog.setPaused(false, name: name, store: $0, config: context.config, now: Clock.now())
        }
        printPaused(false, name: name, changed: changed, json: output.json)
    }
}
