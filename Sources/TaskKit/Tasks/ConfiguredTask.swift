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

    /// Replaces `{key}` with the argument's value (strings as-is, other values as JSON). `{{` is a literal `{`.
    func substitute(_ template: String, _ args: JSONValue) throws -> String {
        var out = ""
        var i = template.startIndex
        while i < template.endIndex {
            let c = template[i]
            if c == "{" {
                let next = template.index(after: i)
                if next < template.endIndex && template[next] == "{" { out.append("{"); i = template.index(after: next); continue }
                guard let close = template[next...].firstIndex(of: "}") else { out.append(c); i = next; continue }
                let key = String(template[next..<close])
                guard let value = args[key], value != .null else {
                    throw TaskFailure("task \(name) needs argument '\(TerminalText.escaped(key))' for its command")
                }
                out += value.stringValue ?? value.serialized()
                i = template.index(after: close)
            } else {
                out.append(c)
                i = template.index(after: i)
            }
        }
        return out
    }
}
