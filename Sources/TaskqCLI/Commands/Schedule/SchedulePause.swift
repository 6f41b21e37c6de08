import ArgumentParser
import TaskKit

struct SchedulePause: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Stop a schedule from firing until it is resumed (works for taskq.toml schedules too).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: "Schedule name.", completion: DynamicCompletion.schedules) var name: String

    func run(registry: TaskRegistry) async throws {
        let context = try Context(store, registry: registry)
        let changed = try await context.withStore {
            try await ScheduleCatalog.setPaused(true, name: name, store: $0, config: context.config, now: Clock.now())
        }
        printPaused(true, name: name, changed: changed, json: output.json)
    }
}
