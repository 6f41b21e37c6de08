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

    @Option(help: ArgumentHelp("Only jobs in this queue.", valueName: "queue"))
    var queue: String?

    @Option(help: ArgumentHelp("Only jobs of this task.", valueName: "task"))
    var task: String?

    @Option(help: ArgumentHelp("At most this many jobs.", valueName: "n"))
    var limit = 50

    @Option(help: ArgumentHelp("Only jobs with an id below this (the next page).", valueName: "id"))
    var beforeID: Int64?

    func validate() throws {
        guard limit >= 1 && limit <= 100_000 else { throw ValidationError("--limit must be 1-100000") }
        _ = try states()
    }

    func states() throws -> [JobState] {
        try parseStates(state, expected: JobState.allCases.map(\.rawValue).joined(separator: ", "))
    }

    func run(registry: TaskRegistry) async throws {
        let filter = JobFilter(states: try states(), queue: queue, task: task, limit: limit, beforeID: beforeID)
        let jobs = try await Context(store, registry: registry).withStore { try await $0.list(filter) }
        if output.json {
            Output.json(.array(jobs.map { $0.jsonObject() }))
            return
        }
        if jobs.isEmpty { Output.note("No jobs."); return }
        Output.table(["ID", "NAME", "TASK", "QUEUE", "PRI", "STATE", "ATTEMPTS", "RUN AT (UTC)", "ERROR"], jobs.map { job in
            [String(job.id), Output.truncate(job.name, 30), job.task, job.queue, String(job.priority), job.state.rawValue,
             "\(job.attempt)/\(job.lastAttemptInBudget)", TimeFormat.short(job.runAt),
             Output.truncate(job.error ?? "", 50)]
        }, stateColumn: 5)
    }
}
