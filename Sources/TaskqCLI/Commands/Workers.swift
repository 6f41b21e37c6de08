import ArgumentParser
import TaskKit

struct Workers: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "workers",
        abstract: "List live workers (with --all also lost ones).",
        discussion: """
            A worker is lost once its last heartbeat is older than its lease (killed, hung or cut off); its jobs are \
            rescued when their leases expire. Records of workers lost for longer than purge's --older-than are \
            removed by `taskq purge`. COMPLETED and FAILED count attempts since the worker started, as it last \
            reported them (every few seconds: they trail the store by up to that, and a killed worker's last \
            seconds are not in them).
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption

    @Flag(help: "Also list workers gone quiet (lost).")
    var all = false

    func run(registry: TaskRegistry) async throws {
        let now = Clock.now()
        let roster = try await Context(store, registry: registry).withStore { try await WorkerRoster.read(from: $0, now: now) }
        let entries = all ? roster.entries : roster.live
        if output.json {
            Output.json(.array(entries.map { $0.jsonObject() }))
            return
        }
        if entries.isEmpty {
            Output.note(roster.lost.isEmpty || all ? "No workers." : "No live workers (\(roster.lost.count) lost; --all lists them).")
            return
        }
        Output.table(["ID", "HOST", "PID", "QUEUES", "CONC", "RUNNING", "COMPLETED", "FAILED", "STARTED (UTC)", "LAST SEEN", "STATUS"],
                     entries.map { e in
            [TerminalText.escaped(e.info.id), TerminalText.escaped(e.info.host), String(e.info.pid),
             TerminalText.escaped(e.info.queues.joined(separator: ",")), String(e.info.concurrency), String(e.running),
             String(e.info.completed), String(e.info.failed), TimeFormat.short(e.info.startedAt),
             DurationParser.format(max(0, now - e.info.lastSeen)) + " ago", e.lost ? "lost" : "live"]
        })
    }
}
