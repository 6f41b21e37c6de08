import ArgumentParser
import TaskKit

struct ListTasks: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "list-tasks",
        abstract: "List the tasks jobs can name, with a one-line description each.",
        discussion: "Built-in tasks, named tasks from taskq.toml, Swift-registered handlers, and tasks workers have announced to the store.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption

    func run(registry: TaskRegistry) async throws {
        let context = try Context(store, registry: registry)
        // Tasks announced by workers elsewhere; a missing or unmigrated database just means there are none.
        let announced = (try? await context.withStore({ try await $0.knownTasks() })) ?? []
        let rows = context.registry.listing(announced: announced)
        if output.json {
            Output.json(.array(rows.map { .obj(("name", .string($0.name)), ("description", .string($0.description)), ("source", .string($0.source))) }))
        } else {
            Output.table(["NAME", "SOURCE", "DESCRIPTION"], rows.map { [$0.name, $0.source, $0.description] })
        }
    }
}
