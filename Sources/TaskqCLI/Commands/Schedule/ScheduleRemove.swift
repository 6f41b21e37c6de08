import ArgumentParser
import TaskKit

struct ScheduleRemove: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Delete a stored schedule (jobs it already enqueued stay).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: "Schedule name.", completion: DynamicCompletion.schedules) var name: String

    func run(registry: TaskRegistry) async throws {
        let context = try Context(store, registry: registry)
        let inConfig = try await context.withStore { try await ScheduleCatalog.remove(name: name, store: $0, config: context.config) }
        if inConfig { Output.note("\(context.configName) still defines a schedule '\(TerminalText.escaped(name))'") }
        if output.json { Output.json(.obj(("name", .string(name)), ("status", .string("removed")))) } else { Output.line("Schedule \(name) removed.") }
    }
}
