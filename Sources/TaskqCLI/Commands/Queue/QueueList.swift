import ArgumentParser
import TaskKit

struct QueueList: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List queues: jobs per state, paused or not, live workers reading each.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption

    func run(registry: TaskRegistry) async throws {
        let now = Clock.now()
        let frame = try await Context(store, registry: registry).withStore {
            StatsFrame(try await StatsSnapshot.take(from: $0, now: now), after: nil)
        }
        if output.json {
            Output.json(.array(frame.queues.map { $0.jsonObject(rates: false) }))
            return
        }
        if frame.queues.isEmpty { Output.note("No queues."); return }
        let states = JobState.allCases
        Output.table(["QUEUE", "STATUS", "WORKERS"] + states.map { $0.rawValue.uppercased() } + ["OLDEST WAITING"], frame.queues.map { q in
            [TerminalText.escaped(q.name), q.paused ? "paused" : "active", String(q.liveWorkers)]
                + states.map { String(q.counts[$0] ?? 0) } + [q.oldestWaitMillis.map { DurationParser.format($0) } ?? "-"]
        })
    }
}
