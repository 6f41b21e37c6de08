/// The tasks every taskq knows.
public enum BuiltinTasks {
    public static let all: [TaskHandler] = [ShellTask(), EchoTask(), SleepTask(), FailTask(), NoopTask()]
}

/// `shell`: runs `args.command` (an argv array) without a shell. Exit 0 is success; the result holds the exit code
/// and the tails of stdout and stderr; a failure names the exit code or signal and the stderr tail. The whole
/// output streams to the job's output sink as it is written (kept in the store up to the worker's output cap).
/// Optional `args.cwd` (directory) and `args.env` (object of strings).
public struct ShellTask: TaskHandler {
    public let name = "shell"
    public let description = "Run a command (argv, no shell); exit 0 is success"
    public init() {}

    /// Extracts the argv from shell-task arguments.
    public static func argv(from args: JSONValue) throws -> [String] {
        guard let items = args["command"]?.arrayValue, !items.isEmpty else {
            throw TaskFailure("shell task needs args.command as a non-empty array of strings")
        }
        let argv = try items.map {
            guard let s = $0.stringValue else { throw TaskFailure("shell task args.command must contain only strings") }
            return s
        }
        guard !argv[0].isEmpty else { throw TaskFailure("shell task needs a program: the command's first word is empty") }
        return argv
    }

    /// What `create-job` checks before a shell job is stored: its argv, and `cwd` and `env` of the kinds the task
    /// reads. (Only at enqueue: jobs stored before these checks still run as they did.)
    public static func check(_ args: JSONValue) throws {
        _ = try argv(from: args)
        if let cwd = args["cwd"], cwd != .null {
            guard let directory = cwd.stringValue else {
                throw TaskFailure("shell task args.cwd must be a string (a directory), got \(cwd.kindName)")
            }
            guard !directory.isEmpty else { throw TaskFailure("shell task args.cwd is empty: leave it out to run in the worker's directory") }
        }
        if let env = args["env"], env != .null {
            guard case let .object(pairs) = env else { throw TaskFailure("shell task args.env must be an object of NAME: value, got \(env.kindName)") }
            for (name, value) in pairs {
                guard !name.isEmpty, !name.contains("=") else {
                    throw TaskFailure("shell task args.env has the name '\(TerminalText.escaped(name))': a variable's name is not empty and has no '='")
                }
                switch value {
                case .string, .int, .double, .number: continue
                default: throw TaskFailure("shell task args.env.\(TerminalText.escaped(name)) must be a string or a number, got \(value.kindName)")
                }
            }
        }
    }

    public func run(_ context: JobContext) async throws -> JSONValue {
        let argv = try ShellTask.argv(from: context.args)
        var environment: [String: String] = [:]
        if case let .object(pairs)? = context.args["env"] {
            for (key, value) in pairs { environment[key] = value.stringValue ?? value.serialized() }
        }
        environment["TASKQ_JOB_ID"] = String(context.job.id)
        environment["TASKQ_ATTEMPT"] = String(context.job.attempt)
        let outcome = try await ChildProcess.run(argv: argv, cwd: context.args["cwd"]?.stringValue,
                                                 environment: environment, killGraceMillis: context.killGraceMillis,
                                                 output: { stream, bytes in context.output.write(bytes, to: stream) })
        if outcome.exitCode == 0 {
            return .obj(("exit_code", .int(0)), ("stdout", .string(outcome.stdoutTail)), ("stderr", .string(outcome.stderrTail)))
        }
        let tail = outcome.stderrTail.trimmingSpaces()
        throw TaskFailure(tail.isEmpty ? "\(outcome.statusText)" : "\(outcome.statusText): \(tail)")
    }
}

/// `echo`: its result is its arguments.
public struct EchoTask: TaskHandler {
    public let name = "echo"
    public let description = "Return the job's arguments as its result"
    public init() {}
    public func run(_ context: JobContext) async throws -> JSONValue { context.args }
}

/// `sleep`: waits `args.seconds` (default 1), honouring cancellation.
public struct SleepTask: TaskHandler {
    public let name = "sleep"
    public let description = "Sleep for args.seconds (default 1)"
    public init() {}
    public func run(_ context: JobContext) async throws -> JSONValue {
        let seconds = try Self.seconds(from: context.args)
        try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
        return .obj(("slept", .double(seconds)))
    }

    /// `args.seconds` (a number, or a string holding one; absent or null: 1), from 0 up to 100 years (beyond that
    /// `seconds * 1e9` does not fit the nanoseconds and would trap the worker). Checked at enqueue too, so a bad
    /// value is refused there instead of failing every attempt.
    public static func seconds(from args: JSONValue) throws -> Double {
        let given = args["seconds"]
        if given == nil || given == .null { return 1 }
        guard let seconds = given?.doubleValue, seconds >= 0, seconds * 1000 <= Double(DurationParser.maxMillis) else {
            throw TaskFailure("sleep needs args.seconds to be a number from 0 up to 100 years, got \(TerminalText.escaped(given?.serialized() ?? "nothing"))")
        }
        return seconds
    }
}

/// `fail`: always fails, with `args.message` when given.
public struct FailTask: TaskHandler {
    public let name = "fail"
    public let description = "Always fail (optional args.message); for testing retries"
    public init() {}
    public func run(_ context: JobContext) async throws -> JSONValue {
        throw TaskFailure(context.args["message"]?.stringValue ?? "task failed on purpose (fail task)")
    }
}

/// `noop`: does nothing and succeeds.
public struct NoopTask: TaskHandler {
    public let name = "noop"
    public let description = "Do nothing and succeed"
    public init() {}
    public func run(_ context: JobContext) async throws -> JSONValue { .null }
}
