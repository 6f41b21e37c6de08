/// What a schedule does after missed ticks (beat was down, or the store unreachable).
public enum MisfirePolicy: String, Sendable, CaseIterable {
    /// Fire once for all the missed ticks (for the latest of them).
    case fireOnce = "fire-once"
    /// Fire nothing for missed ticks; wait for the next one.
    case skip

    /// How late a tick may be and still count as on time under `skip`: a minute, so `beat --once` from a
    /// once-a-minute cron line fires every tick.
    public static let graceMillis: Millis = 60_000
}

/// A periodic schedule: when it fires and the job it enqueues each time. Defined by `[schedules.NAME]` in
/// taskq.toml or by `taskq schedule add` (stored as `json`, the same keys as the TOML table).
public struct ScheduleDefinition: Sendable, Equatable {
    public enum Source: String, Sendable { case config, store }

    public var name: String
    public var expression: ScheduleExpression
    public var misfire: MisfirePolicy
    /// The job to enqueue at each tick: the fields of `create-job` without a run time.
    public var job: JobRequest
    /// Enqueue even when neither this process nor any worker knows the job's task (`--force`).
    public var force: Bool
    public var source: Source

    /// The schedule keys a definition has besides the job fields.
    static let scheduleKeys: Set<String> = ["cron", "timezone", "tz", "misfire", "force"]

    /// Names: letters, digits, `.`, `_`, `-`, `:`; 1-200 characters.
    public static func checkName(_ name: String) throws {
        guard !name.isEmpty, name.count <= 200,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-:".contains($0)) }) else {
            throw TaskqError.usage("invalid schedule name '\(TerminalText.escaped(name))': use 1-200 ASCII letters, digits, '.', '_', '-' or ':'")
        }
        try Names.checkNotDotsOnly(name, what: "schedule")
    }

    /// Errors do not repeat the schedule's name: callers say where the definition came from.
    public init(name: String, expression: ScheduleExpression, misfire: MisfirePolicy = .fireOnce, job: JobRequest,
                force: Bool = false, source: Source) throws {
        try Self.checkName(name)
        guard job.scheduleAt == nil, job.runIn == nil else {
            throw TaskqError.usage("a scheduled job runs at each tick; it cannot also have a run time (run_at/in)")
        }
        if let label = job.name, label.isEmpty { throw TaskqError.usage("the jobs' name must not be empty") }
        self.name = name
        self.expression = expression
        self.misfire = misfire
        self.job = job
        self.force = force
        self.source = source
    }

    /// Reads a definition from its JSON form (`cron`, `timezone`, `misfire`, `force` and job fields). Errors are
    /// `TaskqError.usage` (the caller turns them into bad data where they come from a file).
    public init(name: String, json: JSONValue, source: Source) throws {
        guard case .object = json else { throw TaskqError.usage("must be a table") }
        guard let cron = json["cron"]?.stringValue else {
            throw TaskqError.usage("needs cron = \"EXPR\" (5 fields, @daily-style macro or @every DURATION)")
        }
        for key in ["timezone", "tz", "misfire"] where json[key] != nil && json[key]?.stringValue == nil {
            throw TaskqError.usage("\(key) must be a string")
        }
        if json["timezone"] != nil && json["tz"] != nil { throw TaskqError.usage("give timezone or tz, not both") }
        if let force = json["force"], force.boolValue == nil { throw TaskqError.usage("force must be true or false") }
        let zone = json["timezone"]?.stringValue ?? json["tz"]?.stringValue ?? "UTC"
        var misfire = MisfirePolicy.fireOnce
        if let text = json["misfire"]?.stringValue {
            guard let policy = MisfirePolicy(rawValue: text) else {
                throw TaskqError.usage("misfire must be fire-once or skip, not '\(TerminalText.escaped(text))'")
            }
            misfire = policy
        }
        let job: JobRequest
        do { job = try JobRequest(json: json, ignoring: Self.scheduleKeys) } catch let TaskqError.badInput(message) {
            throw TaskqError.usage(message)
        }
        try self.init(name: name, expression: try ScheduleExpression(cron, timeZone: zone), misfire: misfire, job: job,
                      force: json["force"]?.boolValue ?? false, source: source)
    }

    /// The job template as beat enqueues it: its name (label) defaults to the schedule's.
    public var jobRequest: JobRequest {
        var request = job
        request.name = request.name ?? name
        return request
    }

    /// The stored form: the schedule keys plus the job's fields.
    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [("cron", .string(expression.text)), ("timezone", .string(expression.zone.identifier)),
                                            ("misfire", .string(misfire.rawValue))]
        if force { pairs.append(("force", .bool(true))) }
        if case let .object(fields) = job.jsonObject { pairs += fields }
        return .object(pairs)
    }
}
