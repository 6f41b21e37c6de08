import ArgumentParser
import TaskKit

struct QueueResume: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Let workers take jobs from a paused queue again (waiting workers wake at once).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: "Queue name.", completion: DynamicCompletion.queues) var name: String

    func validate() throws {
        try validating { try Names.checkQueue(name) }
    }

    func run(registry: TaskRegistry) async throws {
        let changed = try await Context(store, registry: registry).withStore {
            try await $0.setQueuePaused(name, paused: false, now: Clock.now())
        }
        printQueuePaused(false, name: name, changed: changed, json: output.json)
    }
}
