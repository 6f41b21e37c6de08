/// A job as a user describes it: from `create-job` flags or one JSON line of `--from-file`. Values are raw text
/// until `JobBuilder` checks them.
public struct JobRequest: Sendable, Equatable {
    public var name: String?
    public var task: String?
    public var args: JSONValue?
    public var queue: String?
    public var priority: String?
    public var maxRetries: Int?
    public var retryDelay: String?
    public var backoff: String?
    public var timeout: String?
    public var scheduleAt: String?
    public var runIn: String?
    public var uniqueKey: String?
    /// argv for a shell task.
    public var command: [String]?

    public init() {}

    /// Reads one JSON line: `name`, `task`, `args`, `queue`, `priority`, `max_retries`, `retry_delay`, `backoff`,
    /// `timeout`, `run_at`, `in`, `unique_key`, `command`. Throws `TaskqError.badInput`.
    public init(jsonLine: String) throws {
        try self.init(json: try JSONValue.parse(jsonLine, what: "line"))
    }

    /// `init(jsonLine:)` of a line given as valid UTF-8 bytes (without its newline).
    public init(jsonLine bytes: UnsafeBufferPointer<UInt8>) throws {
        try self.init(json: try JSONValue.parse(utf8: bytes, what: "line"))
    }

    /// Reads the fields of `init(jsonLine:)` from a JSON object; `ignoring` names keys left for the caller.
    public init(json value: JSONValue, ignoring: Set<String> = []) throws {
        guard case let .object(pairs) = value else { throw TaskqError.badInput("expected a JSON object") }
        func text(_ v: JSONValue, _ key: String) throws -> String {
            if let s = v.stringValue { return s }
            if case let .number(n) = v { return n }
            if let i = v.int64Value { return String(i) }
            if let d = v.doubleValue { return String(d) }
            throw TaskqError.badInput("'\(TerminalText.escaped(key))' must be a string or a number")
        }
        for (key, v) in pairs where v != .null && !ignoring.contains(key) {
            switch key {
            case "name": name = try text(v, key)
            case "task": task = try text(v, key)
            case "args": args = v
            case "queue": queue = try text(v, key)
            case "priority": priority = try text(v, key)
            case "max_retries":
                guard v.stringValue == nil, let n = v.int64Value else { throw TaskqError.badInput("'max_retries' must be an integer") }
                maxRetries = Int(n)
            case "retry_delay": retryDelay = try text(v, key)
            case "backoff": backoff = try text(v, key)
            case "timeout": timeout = try text(v, key)
            case "run_at", "schedule_at":
                guard scheduleAt == nil else { throw TaskqError.badInput("give either run_at or schedule_at (the same field), not both") }
                scheduleAt = try text(v, key)
            case "in": runIn = try text(v, key)
            case "unique_key": uniqueKey = try text(v, key)
            case "command":
                guard let items = v.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                    throw TaskqError.badInput("'command' must be an array of strings (argv)")
                }
                command = items.compactMap(\.stringValue)
            default: throw TaskqError.badInput("unknown field '\(TerminalText.escaped(key))'")
            }
        }
    }

    /// The set fields as a JSON object with the keys `init(json:)` reads.
    public var jsonObject: JSONValue {
        var pairs: [(String, JSONValue)] = []
        func add(_ key: String, _ value: String?) { if let value { pairs.append((key, .string(value))) } }
        add("name", name)
        add("task", task)
        if let command { pairs.append(("command", .array(command.map { .string($0) }))) }
        if let args { pairs.append(("args", args)) }
        add("queue", queue)
        add("priority", priority)
        if let maxRetries { pairs.append(("max_retries", .int(Int64(maxRetries)))) }
        add("retry_delay", retryDelay)
        add("backoff", backoff)
        add("timeout", timeout)
        add("run_at", scheduleAt)
        add("in", runIn)
        add("unique_key", uniqueKey)
        return .object(pairs)
    }
}
