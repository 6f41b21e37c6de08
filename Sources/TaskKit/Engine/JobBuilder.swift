/// Turns requests into valid `NewJob`s: applies flags over named-task defaults over `[defaults]` over built-in
/// defaults, resolves the task, checks every value. Errors are `TaskqError.usage` (or `.badInput` via `asData`).
public struct JobBuilder: Sendable {
    public let config: TaskqConfig
    public let registry: TaskRegistry
    /// Task names announced by workers (accepted even when this process does not know them).
    public let storeTasks: Set<String>
    /// Accept unknown task names.
    public let force: Bool
    /// Name values in messages as file keys (`timeout`) rather than flags (`--timeout`): for taskq.toml tables.
    public let keyNames: Bool
    /// How the caller can enqueue a task nobody announced, for the unknown-task message; nil: `--force`, or with
    /// `keyNames` `force = true` (a schedule's key).
    public let forceHint: String?
    /// The unknown-task hint where `--force` applies (flags, and the lines of `create-job --from-file`).
    public static let flagForceHint = "pass --force if a worker elsewhere knows it"

    public init(config: TaskqConfig, registry: TaskRegistry, storeTasks: Set<String> = [], force: Bool = false, keyNames: Bool = false,
                forceHint: String? = nil) {
        self.config = config
        self.registry = registry
        self.storeTasks = storeTasks
        self.force = force
        self.keyNames = keyNames
        self.forceHint = forceHint
    }

    /// `--retry-delay` as a flag, or `retry_delay` as a key.
    private func option(_ flag: String) -> String {
        keyNames ? String(flag.dropFirst(2)).replacing("-", with: "_") : flag
    }

    /// The task names among `tasks` that workers announced to `store`; the store is asked only when some name is
    /// not known to `registry` (so usually not at all).
    public static func announcedTasks(for tasks: [String], registry: TaskRegistry, store: TaskqStore) async throws -> Set<String> {
        guard tasks.contains(where: { !$0.isEmpty && !registry.contains($0) }) else { return [] }
        return Set(try await store.knownTasks().map(\.name))
    }

    /// A builder for enqueueing `tasks` into `store`: unless `force`, it also accepts the task names workers
    /// announced there (the store is asked only when some name is unknown to `registry`).
    /// With `keyNames` (the lines of `create-job --from-file`) messages name the lines' keys; `--force` still
    /// applies to the whole file.
    public static func forEnqueue(config: TaskqConfig, registry: TaskRegistry, store: TaskqStore, tasks: Set<String>,
                                  force: Bool, keyNames: Bool = false) async throws -> JobBuilder {
        let storeTasks = force ? [] : try await announcedTasks(for: Array(tasks), registry: registry, store: store)
        return JobBuilder(config: config, registry: registry, storeTasks: storeTasks, force: force, keyNames: keyNames,
                          forceHint: flagForceHint)
    }

    /// Whether `task` is known locally (without asking the store).
    public func knowsLocally(_ task: String) -> Bool { registry.contains(task) }

    /// Builds one job. `warnings` receives notes such as a schedule time in the past.
    public func build(_ request: JobRequest, now: Millis, warnings: inout [String]) throws -> NewJob {
        var task = request.task
        var args = request.args ?? .object([])
        if let command = request.command, !command.isEmpty {
            if let t = task, t != "shell" {
                throw TaskqError.usage(keyNames ? "command makes a shell task; it cannot be combined with task = \"\(t)\""
                                                : "a command after -- makes a shell task; it cannot be combined with --task \(t)")
            }
            task = "shell"
            guard args.isObject else { throw TaskqError.badInput("args must be a JSON object, got \(args.kindName)") }
            var pairs: [(String, JSONValue)] = [("command", .array(command.map { .string($0) }))]
            if case let .object(extra) = args {
                if extra.contains(where: { $0.0 == "command" }) {
                    throw TaskqError.usage(keyNames ? "give the command once: \"command\" or args.command, not both"
                                                    : "give the command once: after -- or in --args' \"command\", not both")
                }
                pairs += extra
            }
            args = .object(pairs)
        }
        guard let taskName = task, !taskName.isEmpty else {
            throw TaskqError.usage(keyNames ? "no task given: set \"task\" to a task name, or \"command\" to a list of arguments"
                                            : "no task given: use --task NAME or put a command after --")
        }
        guard args.isObject else { throw TaskqError.badInput("args must be a JSON object, got \(args.kindName)") }
        if taskName == "shell" {
            do { try ShellTask.check(args) } catch let failure as TaskFailure { throw TaskqError.usage(failure.message) }
        }
        if taskName == "sleep", registry.handler(named: taskName) is SleepTask {
            do { _ = try SleepTask.seconds(from: args) } catch let failure as TaskFailure { throw TaskqError.usage(failure.message) }
        }
        guard force || registry.contains(taskName) || storeTasks.contains(taskName) else {
            let hint = forceHint ?? (keyNames ? "set force = true if a worker elsewhere knows it" : Self.flagForceHint)
            throw TaskqError.usage("unknown task '\(TerminalText.escaped(taskName))': see `taskq list-tasks`, or \(hint)")
        }

        // Only when a taskq.toml command task is what runs it (a built-in or an application's own handler of the
        // same name wins over the file's entry).
        if let configured = registry.handler(named: taskName) as? ConfiguredTask {
            do { try configured.checkArguments(args) } catch let failure as TaskFailure { throw TaskqError.usage(failure.message) }
        }
        let named = config.tasks[taskName]?.defaults ?? JobDefaults()
        let defaults = named.merged(over: config.defaults)
        var job = NewJob(name: request.name ?? taskName, task: taskName, args: args)
        job.queue = request.queue ?? defaults.queue ?? "default"
        if let text = request.priority {
            guard let p = Priority.parse(text) else { throw TaskqError.usage(Priority.invalidMessage(text)) }
            job.priority = p
        } else {
            job.priority = defaults.priority ?? Priority.default
        }
        job.maxRetries = request.maxRetries ?? defaults.maxRetries ?? 3
        var policy = RetryPolicy()
        if let text = request.backoff {
            guard let b = Backoff(rawValue: text.lowercased()) else {
                throw TaskqError.usage("invalid backoff '\(TerminalText.escaped(text))': expected exponential, fixed or linear")
            }
            policy.backoff = b
        } else if let b = defaults.backoff {
            policy.backoff = b
        }
        if let text = request.retryDelay {
            policy.baseDelayMillis = try DurationParser.require(text, option: option("--retry-delay"))
        } else if let d = defaults.retryDelayMillis {
            policy.baseDelayMillis = d
        }
        job.retryPolicy = RetryPolicy(backoff: policy.backoff, baseDelayMillis: policy.baseDelayMillis)
        if let text = request.timeout {
            let t = try DurationParser.require(text, option: option("--timeout"))
            guard t > 0 else { throw TaskqError.usage("\(option("--timeout")) must be positive") }
            job.timeoutMillis = t
        } else {
            job.timeoutMillis = defaults.timeoutMillis
        }
        if request.scheduleAt != nil && request.runIn != nil {
            throw TaskqError.usage(keyNames ? "give either run_at or in, not both" : "give either --schedule-at or --in, not both")
        }
        if let text = request.scheduleAt {
            guard let at = TimeFormat.parse(text) else {
                throw TaskqError.usage("invalid time '\(TerminalText.escaped(text))': expected ISO 8601 (2026-01-31T09:00:00Z, …+01:00) or 'YYYY-MM-DD HH:MM:SS' (local time)")
            }
            if at < now {
                warnings.append("schedule time \(TimeFormat.iso8601(at)) is in the past; the job runs now")
                job.runAt = now
            } else {
                job.runAt = at
            }
        } else if let text = request.runIn {
            job.runAt = now + (try DurationParser.require(text, option: option("--in")))
        }
        if let key = request.uniqueKey {
            guard !key.isEmpty else { throw TaskqError.usage("\(option("--unique-key")) must not be empty") }
            job.uniqueKey = key
        }
        try job.validate()
        return job
    }
}
