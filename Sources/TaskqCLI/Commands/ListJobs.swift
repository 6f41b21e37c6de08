import ArgumentParser
import TaskKit

struct ListJobs: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "list-jobs",
        abstract: "List jobs, newest first.",
        discussion: "States: scheduled, pending, running, retrying, completed, failed, cancelled (synonyms such as in_progress, success and retry are accepted).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption

    @Option(help: ArgumentHelp("Only jobs in this state (repeatable or comma-separated).", valueName: "state"),
            completion: .list(JobState.allCases.map(\.rawValue)))
    var state: [String] = []

    @Option(help: ArgumentHelp("Only jobs in this queue.", valueName: "queue"), completion: DynamicCompletion.queues)
    var queue: String?

    @Option(help: ArgumentHelp("Only jobs of this task.", valueName: "task"), completion: DynamicCompletion.tasks)
    var task: String?

    @Option(help: ArgumentHelp("At most this many jobs.", valueName: "n"))
    var limit = 50

    @Option(help: ArgumentHelp("Only jobs with an id below this (the next page).", valueName: "id"))
    var beforeID: Int64?

    func validate() throws {
        guard limit >= 1 && limit <= 100_000 else { throw ValidationError("--limit must be 1-100000") }
        // A name no job can have matches nothing: said so, rather than echoed back with its control characters.
        if let queue { try validating { try Names.checkQueue(queue) } }
        if let beforeID, beforeID < 1 { throw ValidationError("invalid --before-id '\(beforeID)': expected a positive integer") }
        _ = try states()
    }

    func states() throws -> [JobState] {
        try parseStates(state, expected: JobState.allCases.map(\.rawValue).joined(separator: ", "))
    }

    func run(registry: TaskRegistry) async throws {
        let filter = JobFilter(states: try states(), queue: queue, task: task, limit: limit, beforeID: beforeID)
        if output.json {
            // Streamed a page at a time (one valid array on stdout), so --limit 100000 does not hold every job.
            var first = true
            try await Context(store, registry: registry).withStore { store in
                try await JobListing.each(filter, store: store) { jobs in
                    var text = ""
                    for job in jobs {
                        text += (first ? "[\n  " : ",\n  ") + job.jsonObject().pretty(level: 1)
                        first = false
                    }
                    Output.write(text)
                }
            }
            Output.line(first ? "[]" : "\n]")
            return
        }
        let wantsTotal = !output.json && Output.stdoutIsTerminal
        let (jobs, total) = try await Context(store, registry: registry).withStore { store -> ([Job], Int?) in
            let jobs = try await store.list(filter)
            // A full page on a terminal says how many match, so nobody mistakes it for everything.
            guard wantsTotal, jobs.count == filter.limit, filter.task == nil, filter.beforeID == nil else { return (jobs, nil) }
            return (jobs, JobCounts(try await store.counts()).matching(states: filter.states, queue: filter.queue))
        }
        if jobs.isEmpty { Output.note("No jobs."); return }
        Output.table(["ID", "NAME", "TASK", "QUEUE", "PRI", "STATE", "ATTEMPTS", "RUN AT (UTC)", "ERROR"], jobs.map { job in
            [String(job.id), Output.truncate(job.name, 30), job.task, job.queue, String(job.priority), job.state.rawValue,
             job.attemptsSummary, TimeFormat.short(job.runAt),
             Output.truncate(job.error ?? "", 50)]
        }, stateColumn: 5)
        if wantsTotal, jobs.count == filter.limit, let last = jobs.last {
            let of = total.map { " of \($0)" } ?? ""
            Output.note("showing \(jobs.count)\(of) job(s), newest first; more with --before-id \(last.id) or --limit N")
        }
    }
}
