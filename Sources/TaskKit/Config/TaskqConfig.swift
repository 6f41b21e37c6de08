#if canImport(Glibc)
import Glibc
#endif

/// Settings from `taskq.toml`, as plain data: reading it checks each value's form, nothing more (whether a
/// schedule's job builds is `ScheduleCatalog.checkJobs(of:)`'s business). Precedence everywhere: command-line flags,
/// then environment, then this file, then built-in defaults. See docs/configuration.md for the format.
public struct TaskqConfig: Sendable {
    /// The file it was read from, nil when none was found.
    public var path: String?
    public var databaseURL: String?
    /// `[defaults]`: job options applied when a flag is not given.
    public var defaults = JobDefaults()
    /// `[worker]`.
    public var worker = WorkerDefaults()
    /// `[tasks.NAME]`: named tasks.
    public var tasks: [String: NamedTask] = [:]
    /// `[schedules.NAME]`: periodic jobs fired by `taskq beat`, in file order.
    public var schedules: [ScheduleDefinition] = []
    /// The line of each `[schedules.NAME]` table, for errors found after reading (absent when not read from TOML).
    var scheduleLines: [String: Int] = [:]

    public init() {}

    /// The config file's name for messages: the last component of `path`, `taskq.toml` when none was read.
    public var displayName: String { path.map { String($0.split(separator: "/").last ?? Substring($0)) } ?? Self.fileName }

    /// The `[schedules.NAME]` table of that name.
    public func schedule(named name: String) -> ScheduleDefinition? { schedules.first { $0.name == name } }

    /// The config file name looked up in the working directory.
    public static let fileName = "taskq.toml"

    /// Loads `explicitPath` (which must exist), else `./taskq.toml` when present, else empty settings. A
    /// `./taskq.toml` that exists but cannot be read (or is a directory) is an error like an unreadable `--config`,
    /// never skipped: its settings (the database URL above all) would silently not apply.
    /// Throws `TaskqError.usage` for an unreadable file, `TaskqError.badInput` naming the file and line for invalid
    /// TOML or values.
    public static func load(explicitPath: String?) throws -> TaskqConfig {
        let path: String
        if let explicitPath {
            guard access(explicitPath, R_OK) == 0 else {
                throw TaskqError.usage("config file '\(TerminalText.escaped(explicitPath))' not found or not readable")
            }
            path = explicitPath
        } else if access(fileName, F_OK) == 0 {
            guard access(fileName, R_OK) == 0 else {
                throw TaskqError.usage("config file '\(fileName)' in the working directory is not readable by this user")
            }
            path = fileName
        } else {
            return TaskqConfig()
        }
        guard !isDirectory(path) else {
            throw TaskqError.usage("config file '\(TerminalText.escaped(path))' is a directory")
        }
        var config = try TaskqConfig(toml: try readFile(path), path: path)
        config.path = path
        return config
    }

    /// Builds settings from the text of a TOML file (`TOMLReader`: no input crashes it). Throws
    /// `TaskqError.badInput` naming the file and line for text that is not TOML and for a setting taskq refuses (the
    /// line of its key, else of its table's header).
    public init(toml bytes: [UInt8], path: String = TaskqConfig.fileName) throws {
        let parsed: (json: JSONValue, lines: [[String]: Int])
        do {
            parsed = try TOMLReader.parseWithLines(bytes)
        } catch let failure as TOMLReader.Failure {
            let kind = failure.syntax ? "invalid TOML: " : ""
            throw TaskqError.badInput("\(TerminalText.escaped(path)):\(failure.line): \(kind)\(failure.reason)")
        }
        try self.init(json: parsed.json, path: path, lines: parsed.lines)
    }

    /// A relative SQLite path in a config file is relative to the file's directory, so `--config /srv/app/taskq.toml`
    /// from any directory (a cron line) opens `/srv/app/taskq.sqlite3`. Left as written: other URLs, `:memory:`, a file
    /// in the working directory, and a config that is not a regular file (`/dev/stdin`, `<(…)`), whose directory
    /// means nothing.
    static func resolvingSQLitePath(_ url: String, besideConfigAt configPath: String) -> String {
        guard url.hasPrefix("sqlite:"), let slash = configPath.lastIndex(of: "/") else { return url }
        let directory = String(configPath[...slash])
        guard directory != "./", isRegularFile(configPath) else { return url }
        var file = String(url.dropFirst("sqlite:".count))
        if file.hasPrefix("//") { file.removeFirst(2) }
        guard !file.isEmpty, !file.hasPrefix("/"), file != ":memory:" else { return url }
        return "sqlite:" + directory + file
    }

    /// A regular file named as itself: not a symbolic link (`/dev/stdin`, `/dev/fd/63` are links, to whatever the
    /// input is) and nothing under /dev or /proc.
    private static func isRegularFile(_ path: String) -> Bool {
        guard !path.hasPrefix("/dev/"), !path.hasPrefix("/proc/") else { return false }
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Builds settings from the file's content as JSON (tests use this directly). `lines` (from the TOML reader)
    /// lets an error name the line of the setting at fault: `taskq.toml:3: [defaults] has an unknown setting 'queu'`.
    public init(json: JSONValue, path: String = TaskqConfig.fileName) throws {
        try self.init(json: json, path: path, lines: [:])
    }

    init(json: JSONValue, path: String, lines: [[String]: Int]) throws {
        let shownPath = TerminalText.escaped(path)
        /// The error for the setting at `key` (a full key path), at the line of its longest written prefix.
        func fail(_ message: String, _ key: [String]) -> TaskqError {
            let line = (0...key.count).reversed().lazy.compactMap { lines[Array(key.prefix($0))] }.first
            return .badInput("\(shownPath)\(line.map { ":\($0)" } ?? ""): \(message)")
        }
        guard case let .object(root) = json else { throw fail("expected a table at the top level", []) }
        for (key, value) in root {
            switch key {
            case "database_url":
                guard let url = value.stringValue else { throw fail("database_url must be a string", [key]) }
                databaseURL = Self.resolvingSQLitePath(url, besideConfigAt: path)
            case "defaults":
                defaults = try JobDefaults(json: value, context: "[defaults]", at: [key], fail: fail)
            case "worker":
                worker = try WorkerDefaults(json: value, fail: fail)
            case "tasks":
                guard case let .object(entries) = value else { throw fail("[tasks] must hold tables", [key]) }
                for (name, body) in entries { tasks[name] = try NamedTask(name: name, json: body, fail: fail) }
            case "schedules":
                guard case let .object(entries) = value else { throw fail("[schedules] must hold tables", [key]) }
                for (name, body) in entries {
                    scheduleLines[name] = lines[[key, name]]
                    do {
                        schedules.append(try ScheduleDefinition(name: name, json: body, source: .config))
                    } catch let error as TaskqError {
                        throw fail("[schedules.\(TOMLReader.display([name]))] \(error.description)", [key, name])
                    }
                }
            default:
                throw fail("unknown setting '\(TerminalText.escaped(key))' (expected database_url, [defaults], [worker], [tasks.NAME], [schedules.NAME])", [key])
            }
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    private static func readFile(_ path: String) throws -> [UInt8] {
        guard let bytes = FileBytes.read(path: path) else {
            throw TaskqError.usage("cannot read config file '\(TerminalText.escaped(path))'")
        }
        return Array(bytes)
    }
}

/// Job options that can be defaulted by `[defaults]` or a named task.
public struct JobDefaults: Sendable, Equatable {
    public var queue: String?
    public var priority: Int?
    public var maxRetries: Int?
    public var retryDelayMillis: Millis?
    public var backoff: Backoff?
    public var timeoutMillis: Millis?

    public init() {}

    /// `at`: the table's key path, for the line of a refused setting.
    init(json: JSONValue, context: String, at table: [String], fail settingError: (String, [String]) -> TaskqError,
         allowExtra: Set<String> = []) throws {
        guard case let .object(pairs) = json else { throw settingError("\(context) must be a table", table) }
        for (key, value) in pairs {
            func fail(_ message: String) -> TaskqError { settingError(message, table + [key]) }
            switch key {
            case "queue":
                guard let q = value.stringValue, !q.isEmpty else { throw fail("\(context) queue must be a non-empty string") }
                do { try Names.checkQueue(q) } catch let error as TaskqError { throw fail("\(context) \(error.description)") }
                queue = q
            case "priority":
                let text = value.stringValue ?? value.int64Value.map { String($0) } ?? ""
                guard let p = Priority.parse(text) else { throw fail("\(context) \(Priority.invalidMessage(text))") }
                priority = p
            case "max_retries":
                guard let n = value.int64Value, n >= 0, n <= 1000 else { throw fail("\(context) max_retries must be an integer 0-1000") }
                maxRetries = Int(n)
            case "retry_delay":
                retryDelayMillis = try Self.duration(value, "\(context) retry_delay", fail)
            case "timeout":
                let millis = try Self.duration(value, "\(context) timeout", fail)
                // As --timeout: a job with no time at all would time out at once.
                guard millis > 0 else { throw fail("\(context) timeout must be positive (leave it out for none)") }
                timeoutMillis = millis
            case "backoff":
                guard let b = value.stringValue.flatMap(Backoff.init(rawValue:)) else {
                    throw fail("\(context) backoff must be exponential, fixed or linear")
                }
                backoff = b
            default:
                if allowExtra.contains(key) { continue }
                throw fail("\(context) has an unknown setting '\(TerminalText.escaped(key))'")
            }
        }
    }

    static func duration(_ value: JSONValue, _ what: String, _ fail: (String) -> TaskqError) throws -> Millis {
        if let seconds = value.doubleValue, value.stringValue == nil {
            guard seconds.isFinite, seconds >= 0, seconds * 1000 <= Double(DurationParser.maxMillis) else {
                throw fail("\(what) must be a finite duration from 0 up to 100 years")
            }
            return Millis(seconds * 1000)
        }
        guard let text = value.stringValue, let ms = DurationParser.millis(text) else {
            throw fail("\(what) must be a duration such as \"30s\" or a number of seconds, at most 100 years")
        }
        return ms
    }

    /// Fills unset fields from `other`.
    public func merged(over other: JobDefaults) -> JobDefaults {
        var out = self
        out.queue = queue ?? other.queue
        out.priority = priority ?? other.priority
        out.maxRetries = maxRetries ?? other.maxRetries
        out.retryDelayMillis = retryDelayMillis ?? other.retryDelayMillis
        out.backoff = backoff ?? other.backoff
        out.timeoutMillis = timeoutMillis ?? other.timeoutMillis
        return out
    }
}

/// `[worker]` settings.
public struct WorkerDefaults: Sendable, Equatable {
    public var queues: [String]?
    public var concurrency: Int?
    public var leaseMillis: Millis?
    public var pollIntervalMillis: Millis?
    public var gracePeriodMillis: Millis?
    public var killGraceMillis: Millis?
    /// `prefetch`: most jobs claimed ahead of the free slots.
    public var prefetch: Int?
    /// `output_cap`: bytes of each output stream kept per attempt.
    public var outputCapBytes: Int?

    public init() {}

    init(json: JSONValue, fail settingError: (String, [String]) -> TaskqError) throws {
        guard case let .object(pairs) = json else { throw settingError("[worker] must be a table", ["worker"]) }
        for (key, value) in pairs {
            func fail(_ message: String) -> TaskqError { settingError(message, ["worker", key]) }
            switch key {
            case "queues":
                guard let items = value.arrayValue?.compactMap(\.stringValue), !items.isEmpty else {
                    throw fail("[worker] queues must be a non-empty array of strings")
                }
                for queue in items {
                    do { try Names.checkQueue(queue) } catch let error as TaskqError { throw fail("[worker] queues: \(error.description)") }
                }
                queues = items
            case "concurrency":
                guard let n = value.int64Value, n >= 1, n <= 10_000 else { throw fail("[worker] concurrency must be 1-10000") }
                concurrency = Int(n)
            case "lease": leaseMillis = try JobDefaults.duration(value, "[worker] lease", fail)
            case "poll_interval": pollIntervalMillis = try JobDefaults.duration(value, "[worker] poll_interval", fail)
            case "grace_period": gracePeriodMillis = try JobDefaults.duration(value, "[worker] grace_period", fail)
            case "kill_grace": killGraceMillis = try JobDefaults.duration(value, "[worker] kill_grace", fail)
            case "prefetch":
                guard let n = value.int64Value, value.stringValue == nil, (0...100_000).contains(n) else {
                    throw fail("[worker] prefetch must be 0-100000")
                }
                prefetch = Int(n)
            case "output_cap":
                let bytes = value.stringValue.flatMap(ByteSize.bytes) ?? value.int64Value.flatMap { Int(exactly: $0) }
                guard let bytes, (1...(1 << 30)).contains(bytes) else {
                    throw fail("[worker] output_cap must be a size from 1B to 1GiB, such as \"1MiB\" or \"256KiB\"")
                }
                outputCapBytes = bytes
            default: throw fail("[worker] has an unknown setting '\(TerminalText.escaped(key))'")
            }
        }
    }
}

/// A `[tasks.NAME]` entry: a command template (`command = ["pg_dump", "{db}"]`) or a built-in with default args
/// (`builtin = "sleep"`, `args = { seconds = 2 }`), plus job defaults.
public struct NamedTask: Sendable, Equatable {
    public var name: String
    public var description: String
    public var command: [String]?
    public var builtin: String?
    public var args: JSONValue
    public var defaults: JobDefaults

    init(name: String, json: JSONValue, fail taskError: (String, [String]) -> TaskqError) throws {
        let context = "[tasks.\(TOMLReader.display([name]))]"
        let table = ["tasks", name]
        func fail(_ message: String, _ key: String? = nil) -> TaskqError { taskError(message, table + (key.map { [$0] } ?? [])) }
        do { try Names.checkTask(name) } catch let error as TaskqError { throw fail("\(context) \(error.description)") }
        self.name = name
        description = json["description"]?.stringValue ?? ""
        if let commandValue = json["command"] {
            guard let items = commandValue.arrayValue, !items.isEmpty, items.allSatisfy({ $0.stringValue != nil }) else {
                throw fail("\(context) command must be a non-empty array of strings (argv, no shell)", "command")
            }
            command = items.compactMap(\.stringValue)
        }
        builtin = json["builtin"]?.stringValue
        args = json["args"] ?? .object([])
        guard args.isObject else { throw fail("\(context) args must be a table", "args") }
        guard (command == nil) != (builtin == nil) else {
            throw fail("\(context) needs exactly one of command = [...] or builtin = \"NAME\"")
        }
        if let builtin, !BuiltinTasks.all.contains(where: { $0.name == builtin }) {
            throw fail("\(context) builtin '\(TerminalText.escaped(builtin))' is not one of \(BuiltinTasks.all.map(\.name).joined(separator: ", "))", "builtin")
        }
        defaults = try JobDefaults(json: json, context: context, at: table, fail: taskError,
                                   allowExtra: ["description", "command", "builtin", "args"])
        if description.isEmpty {
            description = command.map { "Run: " + $0.joined(separator: " ") } ?? "Built-in \(builtin ?? "") with preset args"
        }
    }
}
