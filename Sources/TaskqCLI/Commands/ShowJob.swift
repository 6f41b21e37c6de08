import ArgumentParser
import TaskKit

struct ShowJob: TaskqSubcommand {
    static let configuration = CommandConfiguration(commandName: "show-job", abstract: "Show one job with every attempt.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: "Job id.", completion: DynamicCompletion.jobIDs) var id: String

    func validate() throws { _ = try parseJobID(id) }

    func run(registry: TaskRegistry) async throws {
        let jobID = try parseJobID(id)
        let json = output.json
        let (job, history, streams) = try await Context(store, registry: registry).withStore { store -> (Job, [Attempt], [OutputTail]) in
            let job = try await JobActions.job(jobID, in: store)
            let history = try await store.attempts(jobID: jobID)
            return (job, history, json ? [] : try await OutputTail.forShowJob(job, in: store))
        }
        if output.json {
            Output.json(job.jsonObject(history: history))
            return
        }
        let rows: [(String, String)] = [
            ("id", String(job.id)), ("name", job.name), ("task", job.task), ("args", job.args.serialized()),
            ("queue", job.queue), ("priority", String(job.priority)), ("state", job.state.rawValue),
            ("attempts", job.attemptsDescription),
            ("retry policy", "\(job.retryPolicy.backoff.rawValue), base \(DurationParser.format(job.retryPolicy.baseDelayMillis))"),
            ("timeout", job.timeoutMillis.map(DurationParser.format) ?? "none"),
            ("run at", TimeFormat.iso8601(job.runAt)), ("created", TimeFormat.iso8601(job.createdAt)),
            ("started", job.startedAt.map(TimeFormat.iso8601) ?? "-"), ("finished", job.finishedAt.map(TimeFormat.iso8601) ?? "-"),
            ("worker", job.worker ?? "-"), ("unique key", job.uniqueKey ?? "-"),
            ("result", OutputTail.resultText(job.result)), ("error", job.error ?? "-"),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        for (key, value) in rows {
            let shown = key == "state" ? Output.colored(value, state: job.state) : TerminalText.escaped(value)
            Output.line(key + ":" + String(repeating: " ", count: width - key.count + 1) + shown)
        }
        if job.cancelRequested && job.state == .running { Output.line("note: cancellation requested") }
        Output.line("")
        if history.isEmpty { Output.line("No attempts yet."); return }
        Output.table(["ATTEMPT", "STARTED (UTC)", "FINISHED (UTC)", "WORKER", "OUTCOME", "ERROR"], history.map {
            [String($0.attempt), TimeFormat.short($0.startedAt), $0.finishedAt.map(TimeFormat.short) ?? "-", $0.worker,
             $0.outcome.rawValue, Output.truncate($0.error ?? "", 60)]
        })
        for tail in streams { tail.print() }
    }
}
