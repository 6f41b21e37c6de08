import ArgumentParser
import TaskKit

/// The job options shared by `create-job` and `schedule add`: what to run and how.
struct JobOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Task to run (see list-tasks). Implied 'shell' with a command after --.", valueName: "task"),
            completion: DynamicCompletion.tasks)
    var task: String?

    @Option(help: ArgumentHelp("Arguments as a JSON object.", valueName: "json"))
    var args: String?

    @Option(help: ArgumentHelp("0-10 (higher runs first) or low|normal|high|critical. Default 5.", valueName: "priority"),
            completion: .list(["low", "normal", "high", "critical"]))
    var priority: String?

    @Option(help: ArgumentHelp("Queue name. Default 'default'.", valueName: "queue"), completion: DynamicCompletion.queues)
    var queue: String?

    @Option(help: ArgumentHelp("Retries after the first attempt. Default 3.", valueName: "n"))
    var maxRetries: Int?

    @Option(help: ArgumentHelp("Base delay before a retry, e.g. 10s. Default 10s.", valueName: "duration"))
    var retryDelay: String?

    @Option(help: ArgumentHelp("Retry back-off: exponential (default, with jitter), fixed or linear.", valueName: "kind"),
            completion: .list(Backoff.allCases.map(\.rawValue)))
    var backoff: String?

    @Option(help: ArgumentHelp("Hard time limit per attempt, e.g. 30s or 5m.", valueName: "duration"))
    var timeout: String?

    @Option(help: ArgumentHelp("If a live job has this key, return its id instead of enqueueing another.", valueName: "key"))
    var uniqueKey: String?

    @Flag(help: "Accept a task name that neither this process nor any worker has announced.")
    var force = false

    /// Checks what needs no store, so a bad flag is a usage error (64) before any database is opened.
    func validate() throws {
        do {
            if let priority, Priority.parse(priority) == nil { throw TaskqError.usage(Priority.invalidMessage(priority)) }
            if let maxRetries, !(0...1000).contains(maxRetries) { throw TaskqError.usage("--max-retries must be 0-1000, got \(maxRetries)") }
            if let retryDelay { _ = try DurationParser.require(retryDelay, option: "--retry-delay") }
            if let timeout { _ = try DurationParser.require(timeout, option: "--timeout") }
            if let backoff, Backoff(rawValue: backoff) == nil {
                throw TaskqError.usage("invalid --backoff '\(TerminalText.escaped(backoff))': expected exponential, fixed or linear")
            }
        } catch let error as TaskqError {
            throw ValidationError(error.description)
        }
    }

    /// The request these options describe (argv after -- makes a shell task).
    func request(name: String?, command: [String]) throws -> JobRequest {
        var request = JobRequest()
        request.name = name
        request.task = task
        if let args { request.args = try JSONValue.parse(args, what: "--args") }
        request.queue = queue
        request.priority = priority
        request.maxRetries = maxRetries
        request.retryDelay = retryDelay
        request.backoff = backoff
        request.timeout = timeout
        request.uniqueKey = uniqueKey
        request.command = command.isEmpty ? nil : command
        return request
    }

    /// A builder that also accepts task names workers have announced (asked only when some name is unknown here).
    func builder(_ context: Context, store: TaskqStore, tasks: Set<String>, keyNames: Bool = false) async throws -> JobBuilder {
        try await JobBuilder.forEnqueue(config: context.config, registry: context.registry, store: store, tasks: tasks, force: force,
                                        keyNames: keyNames)
    }
}
