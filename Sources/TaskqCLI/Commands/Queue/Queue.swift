import ArgumentParser
import TaskKit

/// `taskq queue …`: list queues, pause and resume them.
struct Queue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "List queues; pause and resume them.",
        discussion: """
            A paused queue keeps accepting jobs, but no worker on any host claims from it until it is resumed; jobs \
            already running finish. The pause is kept in the store.
            """,
        subcommands: [QueueList.self, QueuePause.self, QueueResume.self])
}

/// What `queue pause` and `queue resume` print once the change is stored.
func printQueuePaused(_ paused: Bool, name: String, changed: Bool, json: Bool) {
    if json {
        Output.json(.obj(("name", .string(name)), ("paused", .bool(paused)), ("changed", .bool(changed))))
        return
    }
    let shown = TerminalText.escaped(name)
    if changed {
        Output.line(paused ? "Queue \(shown) is paused: workers take no new jobs from it." : "Queue \(shown) is resumed.")
    } else {
        Output.note(paused ? "note: queue \(shown) was already paused" : "note: queue \(shown) is not paused; nothing to resume")
    }
}
