/// Runs a `[tasks.NAME]` entry from taskq.toml: a command template or a built-in with preset arguments.
public struct ConfiguredTask: TaskHandler {
    public let definition: NamedTask
    public var name: String { definition.name }
    public var description: String { definition.description }

    public init(_ definition: NamedTask) { self.definition = definition }

    public func run(_ context: JobContext) async throws -> JSONValue {
        let args = merge(defaults: definition.args, over: context.args)
        var job = context.job
        if let template = definition.command {
            job.args = .obj(("command", .array(try template.map { .string(try substitute($0, args)) })),
                            ("cwd", args["cwd"] ?? .null), ("env", args["env"] ?? .null))
            return try await ShellTask().run(JobContext(job: job, logger: context.logger, killGraceMillis: context.killGraceMillis, output: context.output))
        }
        guard let builtin = definition.builtin, let handler = BuiltinTasks.all.first(where: { $0.name == builtin }) else {
            throw TaskFailure("task \(name) has no command or builtin")
        }
        job.args = args
        return try await handler.run(JobContext(job: job, logger: context.logger, killGraceMillis: context.killGraceMillis, output: context.output))
    }

    /// Job args override the preset ones key by key.
    private func merge(defaults: JSONValue, over args: JSONValue) -> JSONValue {
        guard case let .object(base) = defaults, case let .object(given) = args else { return args.isObject ? args : defaults }
        var merged = base.filter { key, _ in !given.contains(where: { $0.0 == key }) }
        merged.append(contentsOf: given)
        return .object(merged)
    }

    /// Replaces `{key}` with the argument's value (strings as-is, other values as JSON). `{{` and `}}` are literal
    /// braces.
    func substitute(_ template: String, _ args: JSONValue) throws -> String {
        try Self.render(template) { key in
            guard let value = args[key], value != .null else {
                throw TaskFailure("task \(name) needs argument '\(TerminalText.escaped(key))' for its command")
            }
            return value.stringValue ?? value.serialized()
        }
    }

    /// Throws, as `create-job` does, when a job's arguments (over the task's presets) leave a `{key}` of the
    /// command without a value, so the job is refused instead of failing each attempt at run time.
    public func checkArguments(_ args: JSONValue) throws {
        guard let template = definition.command else { return }
        let merged = merge(defaults: definition.args, over: args)
        for part in template { _ = try substitute(part, merged) }
    }

    /// The template with each `{key}` replaced by `value(key)`; `{{` and `}}` give `{` and `}`; a `{` with no `}`
    /// after it, or a lone `}`, stays as it is.
    private static func render(_ template: String, _ value: (String) throws -> String) throws -> String {
        var out = ""
        var i = template.startIndex
        while i < template.endIndex {
            let c = template[i]
            let next = template.index(after: i)
            if (c == "{" || c == "}") && next < template.endIndex && template[next] == c {
                out.append(c)
                i = template.index(after: next)
            } else if c == "{", let close = template[next...].firstIndex(of: "}") {
                out += try value(String(template[next..<close]))
                i = template.index(after: close)
            } else {
                out.append(c)
                i = next
            }
        }
        return out
    }
}
