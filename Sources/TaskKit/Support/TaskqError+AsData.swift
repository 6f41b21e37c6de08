extension TaskqError {
    /// The same message as bad input data (exit 65), for errors found in a data file rather than in flags.
    public func asData(prefix: String) -> TaskqError {
        switch self {
        case let .usage(m), let .badInput(m): return .badInput("\(prefix)\(m)")
        default: return self
        }
    }
}
