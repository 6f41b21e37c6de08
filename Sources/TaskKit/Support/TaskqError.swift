/// Every error TaskKit reports to a user, each with the exit code docs/contracts.md#exit-codes assigns.
public enum TaskqError: Error, Equatable, CustomStringConvertible {
    /// Bad flags or values (exit 64).
    case usage(String)
    /// Malformed input data such as JSON (exit 65).
    case badInput(String)
    /// The operation could not be done (exit 1).
    case failed(String)
    /// The thing asked for does not exist: no such job, user or schedule (exit 1; HTTP 404).
    case notFound(String)
    /// The thing is not in a state that allows the change: a completed job cancelled, a taken name (exit 1; HTTP 409).
    case conflict(String)
    /// The backend cannot be used: server down, not a database, no schema (exit 69).
    case unavailable(String)
    /// A temporary failure worth retrying, e.g. the database is locked (exit 75).
    case temporary(String)
    /// A batched command stopped by the user (Ctrl-C) between two of its atomic steps; the message says how far it
    /// got (exit 130, the shell's 128 + SIGINT).
    case interrupted(String)

    public var description: String {
        switch self {
        case let .usage(m), let .badInput(m), let .failed(m), let .notFound(m), let .conflict(m), let .unavailable(m), let .temporary(m),
             let .interrupted(m): return m
        }
    }

    /// Process exit code (sysexits.h values).
    public var exitCode: Int32 {
        switch self {
        case .failed, .notFound, .conflict: return 1
        case .usage: return 64
        case .badInput: return 65
        case .unavailable: return 69
        case .temporary: return 75
        case .interrupted: return 130
        }
    }
}
