/// The tasks a process knows: built-ins, named tasks from taskq.toml, and handlers a Swift program registers.
public struct TaskRegistry: Sendable {
    /// Where a task came from, for `list-tasks`.
    public enum Source: String, Sendable { case builtin, config, swift, store }

    private var handlers: [String: (TaskHandler, Source)] = [:]

    /// An empty registry.
    public init() {}

    /// A registry holding the built-in tasks: shell, echo, sleep, fail, noop.
    public static func builtins() -> TaskRegistry {
        var registry = TaskRegistry()
        for handler in BuiltinTasks.all { registry.register(handler, source: .builtin) }
        return registry
    }

    /// Registers (or replaces) a handler.
    public mutating func register(_ handler: TaskHandler, source: Source = .swift) {
        handlers[handler.name] = (handler, source)
    }

    /// Registers a typed closure handler: arguments are decoded from the job's JSON args, the output encoded as
    /// its result.
    public mutating func register<A: Decodable & Sendable, R: Encodable & Sendable>(
        _ name: String, description: String, _ body: @escaping @Sendable (A, JobContext) async throws -> R) {
        register(ClosureTask(name: name, description: description, body: body))
    }

    public func handler(named name: String) -> TaskHandler? { handlers[name]?.0 }
    public func contains(_ name: String) -> Bool { handlers[name] != nil }

    /// Every task, sorted by name, with its source.
    public var entries: [(info: TaskInfo, source: Source)] {
        handlers.values.map { (TaskInfo(name: $0.0.name, description: $0.0.description), $0.1) }
            .sorted { $0.info.name < $1.info.name }
    }
}
