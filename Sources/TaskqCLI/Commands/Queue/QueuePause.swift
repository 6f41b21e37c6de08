import ArgumentParser
import TaskKit

struct QueuePause: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Stop every worker from taking jobs from a queue (it keeps accepting them).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: "Queue name (need not hold jobs yet).", completion: DynamicCompletion.queues) var name: String

    func validate() throws {
        try validating { try Names.checkQueue(name) }
    }

    func run(registry: TaskRegistry) async throws {
        let changed = try await Context(store, registry: registry).withStore {
            try await $0.setQueuePaused(name, paused: true, now: Clock.now())
        }
        printQueuePaused(true, name: name, changed: changed, json: output.json)
    }
}
