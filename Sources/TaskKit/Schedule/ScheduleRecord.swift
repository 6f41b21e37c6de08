/// A schedule as the store keeps it: the definition of a schedule added with `taskq schedule add`, or only the state
/// of one defined in taskq.toml, plus when it last fired.
public struct ScheduleRecord: Sendable, Equatable {
    public var name: String
    /// The stored definition (`ScheduleDefinition.json`); nil for a taskq.toml schedule.
    public var definition: JSONValue?
    public var paused: Bool
    /// Ticks at or before this never fire: the time it was added or last resumed.
    public var baselineAt: Millis
    /// The latest tick fired.
    public var lastFireAt: Millis?
    /// The job enqueued by the latest fire.
    public var lastJobID: Int64?
    public var createdAt: Millis

    public init(name: String, definition: JSONValue?, paused: Bool, baselineAt: Millis, lastFireAt: Millis?, lastJobID: Int64?,
                createdAt: Millis) {
        self.name = name
        self.definition = definition
        self.paused = paused
        self.baselineAt = baselineAt
        self.lastFireAt = lastFireAt
        self.lastJobID = lastJobID
        self.createdAt = createdAt
    }

    /// Ticks after this are due: the later of the last fire and the baseline.
    public var firedThrough: Millis { max(lastFireAt ?? .min, baselineAt) }

    /// Fire keys older than this (before the tick being fired) are deleted as new ones are written; the last fire
    /// time guards older ticks.
    public static let fireKeyRetentionMillis: Millis = 7 * 86_400_000
}

/// What `fireSchedule` did.
public enum FireResult: Sendable, Equatable {
    /// Enqueued (or, with a unique key, found the live job).
    case fired(EnqueueResult)
    /// This tick, or a later one, was fired already (by this or another beat).
    case alreadyFired
    case paused
    /// No such schedule record (removed meanwhile).
    case unknownSchedule
}
