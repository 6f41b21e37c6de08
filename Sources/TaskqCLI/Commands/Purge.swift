import ArgumentParser
import TaskKit

struct Purge: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete finished jobs and their history, in batches.",
        discussion: """
            Deletes jobs that finished (completed, failed or cancelled; --state narrows it) more than --older-than \
            ago, with their attempts, and the records of workers lost for longer than --older-than (last heartbeat \
            plus lease). Safe to run from cron, also twice at once.

            Examples:
              taskq purge --older-than 30d
              taskq purge --older-than 7d --state failed --dry-run
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Age of the finish time, e.g. 7d, 12h, 90m.", valueName: "duration"))
    var olderThan: String

    @Option(help: ArgumentHelp("Only these finished states (repeatable or comma list): completed, failed, cancelled.", valueName: "state"),
            completion: .list(["completed", "failed", "cancelled"]))
    var state: [String] = []

    @Option(help: ArgumentHelp("Jobs deleted per transaction.", valueName: "n"))
    var batchSize: Int = 1000

    @Flag(help: "Show what would be deleted; delete nothing.")
    var dryRun = false

    @OptionGroup var output: JSONOption

    func validate() throws {
        _ = try age()
        _ = try states()
        guard batchSize >= 1 && batchSize <= 100_000 else { throw ValidationError("--batch-size must be 1-100000") }
    }

    func age() throws -> Millis {
        guard let ms = DurationParser.millis(olderThan) else {
            throw ValidationError("invalid --older-than '\(TerminalText.escaped(olderThan))': expected a duration such as 30d, 12h or 90m")
        }
        return ms
    }

    func states() throws -> [JobState] {
        let parsed = try parseStates(state, expected: "completed, failed or cancelled", allowed: [.completed, .failed, .cancelled],
                                     refusal: "purge deletes finished jobs only (completed, failed, cancelled)")
        return parsed.isEmpty ? [.completed, .failed, .cancelled] : parsed
    }

    func run(registry: TaskRegistry) async throws {
        let states = try states()
        let now = Clock.now()
        let before = now - (try age())
        let age = try age()
        let context = try Context(store, registry: registry)
        let (counts, deleted, workers) = try await BatchInterruption.run { interruption in
            try await context.withStore { store -> ([JobState: Int], Int?, Int) in
                let counts = try await store.purgeableCounts(states: states, finishedBefore: before)
                if !dryRun { interruption.beginWriting() }
                let workers = try await Maintenance.purgeWorkers(store: store, olderThan: age, now: now, dryRun: dryRun)
                if dryRun { return (counts, nil, workers) }
                let progress = ProgressBar(total: counts.values.reduce(0, +), label: "purge")
                defer { progress.finish() }
                let deleted = try await Maintenance.purge(store: store, states: states, finishedBefore: before, batchSize: batchSize) {
                    progress.update($0)
                }
                return (counts, deleted, workers)
            }
        }
        let workerNote = workers == 0 ? "" : " \(dryRun ? "Would remove" : "Removed") \(workers) dead worker record(s)."
        let byState = states.compactMap { s in counts[s].map { "\(s.rawValue) \($0)" } }.joined(separator: ", ")
        if output.json {
            let pairs: [(String, JSONValue)] = [
                ("dry_run", .bool(dryRun)), ("finished_before", .time(before)),
                ("states", .array(states.map { .string($0.rawValue) })),
                ("count", .int(Int64(deleted ?? counts.values.reduce(0, +)))),
                ("by_state", .object(states.map { ($0.rawValue, .int(Int64(counts[$0] ?? 0))) })),
                ("workers", .int(Int64(workers))),
            ]
            Output.json(.object(pairs))
        } else if let deleted {
            Output.line("Deleted \(deleted) job(s) finished before \(TimeFormat.iso8601(before))\(byState.isEmpty ? "" : " (\(byState))").\(workerNote)")
        } else {
            let total = counts.values.reduce(0, +)
            Output.line("Would delete \(total) job(s) finished before \(TimeFormat.iso8601(before))\(byState.isEmpty ? "" : " (\(byState))") (dry run).\(workerNote)")
        }
    }
}
