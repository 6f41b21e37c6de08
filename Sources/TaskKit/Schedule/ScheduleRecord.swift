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

    /// Ticks after this are due: the later of the last fire and the baseline. The only place this rule lives:
    /// stores fire or skip only while the record still has the `mark` the engine decided on.
    public var firedThrough: Millis { max(lastFireAt ?? .min, baselineAt) }

    /// What a fire or skip is decided on.
    public var mark: ScheduleMark { ScheduleMark(baselineAt: baselineAt, lastFireAt: lastFireAt) }

    /// Fire keys older than this (before the tick being fired) are deleted as new ones are written; the last fire
    /// time guards older ticks.
    public static let fireKeyRetentionMillis: Millis = 7 * 86_400_000
}

/// The fields of a schedule record that decide which ticks are due. `fireSchedule` and `skipTicks` apply only
/// while the stored record still has the mark they were decided on (compare-and-set), so two beats never both act
/// on one decision and no store repeats the rule.
public struct ScheduleMark: Sendable, Equatable {
    public var baselineAt: Millis
    public var lastFireAt: Millis?
    public init(baselineAt: Millis, lastFireAt: Millis?) {
        self.baselineAt = baselineAt
        self.lastFireAt = lastFireAt
    }
}

/// What `fireSchedule` did.
public enum FireResult: Sendable, Equatable {
    /// Enqueued (or, with a unique key, found the live job).
    case fired(EnqueueResult)
    /// The record changed since it was read (another beat fired or skipped meanwhile), or this tick's fire key
    /// exists: nothing was enqueued.
    case alreadyFired
    case paused
    /// No such schedule record (removed meanwhile).
    case unknownSchedule
}
