import ArgumentParser
import TaskKit

struct Retry: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Run a job again, or every failed job at once (--state failed).",
        discussion: """
            A failed or cancelled job becomes pending with a fresh retry budget; a scheduled or retrying job runs now; \
            with --again a completed job runs once more. The job's last result, error and times are cleared; its \
            history keeps every attempt. With --state failed (or cancelled) every such job is retried, optionally \
            only in --queue: safe to run from cron and twice at once (a job is retried once).

            Examples:
              taskq retry 42
              taskq retry 42 --again
              taskq retry --state failed --queue emails --dry-run
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: "Job id (or use --state for many jobs).", completion: DynamicCompletion.jobIDs) var id: String?

    @Option(help: ArgumentHelp("Retry every job in this state: failed or cancelled (repeatable or comma list).", valueName: "state"),
            completion: .list(["failed", "cancelled"]))
    var state: [String] = []

    @Option(help: ArgumentHelp("With --state: only jobs in this queue.", valueName: "queue"), completion: DynamicCompletion.queues)
    var queue: String?

    @Flag(help: "With --state: list the jobs that would be retried; change nothing.")
    var dryRun = false

    @Flag(help: "Also run a completed job once more.")
    var again = false

    func validate() throws {
        if state.isEmpty && (queue != nil || dryRun) { throw ValidationError("--queue and --dry-run go with --state (\(ProgramName.current) retry --state failed --queue Q)") }
        // A name no job can have matches nothing: said so, rather than echoed back with its control characters.
        if let queue { try validating { try Names.checkQueue(queue) } }
        if let id {
            _ = try parseJobID(id)
            if !state.isEmpty { throw ValidationError("give a job id or --state, not both") }
        } else if again {
            throw ValidationError("--again goes with a job id (\(ProgramName.current) retry ID --again)")
        } else if state.isEmpty {
            throw ValidationError("missing job id (usage: \(ProgramName.current) retry ID, or \(ProgramName.current) retry --state failed [--queue Q])")
        }
        _ = try states()
    }

    func states() throws -> [JobState] {
        try parseStates(state, expected: "failed or cancelled", allowed: [.failed, .cancelled],
                        refusal: "bulk retry takes failed or cancelled")
    }

    func run(registry: TaskRegistry) async throws {
        guard let id else { return try await retryMany(states: try states(), registry: registry) }
        let jobID = try parseJobID(id)
        let job = try await Context(store, registry: registry).withStore { store in
            try await JobActions.retry(jobID, again: again, in: store, now: Clock.now())
        }
        if output.json {
            Output.json(job.jsonObject())
        } else {
            Output.line("Job \(jobID) is pending again.")
        }
    }

    private func retryMany(states: [JobState], registry: TaskRegistry) async throws {
        let context = try Context(store, registry: registry)
        let (candidates, done) = try await BatchInterruption.run { interruption in
            try await context.withStore { store -> ([Int64], Maintenance.BulkRetry?) in
                let ids = try await Maintenance.retryCandidates(store: store, states: states, queue: queue)
                if dryRun { return (ids, nil) }
                let progress = ProgressBar(total: ids.count, label: "retry")
                defer { progress.finish() }
                interruption.beginWriting()
                let done = try await Maintenance.retry(store: store, ids: ids, states: Set(states), now: Clock.now()) { progress.update($0) }
                return (ids, done)
            }
        }
        let scope = "(" + states.map(\.rawValue).joined(separator: ", ") + (queue.map { ", queue \($0)" } ?? "") + ")"
        guard let done else {
            if output.json {
                Output.json(.obj(("dry_run", .bool(true)), ("count", .int(Int64(candidates.count))),
                                 ("jobs", .array(candidates.map { .int($0) })), ("skipped", .array([]))))
            } else {
                Output.line("Would retry \(candidates.count) job(s) \(scope), dry run\(candidates.isEmpty ? "." : ": " + list(candidates))")
            }
            return
        }
        if output.json {
            Output.json(done.jsonObject())
            return
        }
        Output.line("Retried \(done.retried.count) job(s) \(scope)\(done.retried.isEmpty ? "." : ": " + list(done.retried))")
        for skip in done.skipped { Output.note("skipped job \(skip.id): \(skip.reason)") }
    }

    /// Ids for people: all of them up to 20, then a count.
    private func list(_ ids: [Int64]) -> String {
        let shown = ids.prefix(20).map { String($0) }.joined(separator: ", ")
        return ids.count > 20 ? "\(shown), … (\(ids.count - 20) more)" : shown
    }
}
