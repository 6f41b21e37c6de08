extension TaskqError {
    /// The same message as bad input data (exit 65), for errors found in a data file rather than in flags.
    public func asData(prefix: String) -> TaskqError {
        switch self {
        case let .usage(m), let .badInput(m): return .badInput("\(prefix)\(m)")
        default: return self
        }
    }

    /// The same error (kind and exit code) with `prefix` before its message.
    public func prefixed(_ prefix: String) -> TaskqError {
        switch self {
        case let .usage(m): return .usage(prefix + m)
        case let .badInput(m): return .badInput(prefix + m)
        case let .failed(m): return .failed(prefix + m)
        case let .notFound(m): return .notFound(prefix + m)
        case let .conflict(m): return .conflict(prefix + m)
        case let .unavailable(m): return .unavailable(prefix + m)
        case let .temporary(m): return .temporary(prefix + m)
        case let .interrupted(m): return .interrupted(prefix + m)
        }
    }
}

extension TaskqError {
    /// Runs one atomic step of a batched operation; when it fails after earlier steps (`done`, e.g. "deleted 3000
    /// job(s)", nil before any), its error says so first: "deleted 3000 job(s), then failed: …".
    static func sayingHowFar<T>(_ done: String?, _ step: () async throws -> T) async throws -> T {
        do {
            return try await step()
        } catch let error as TaskqError {
            guard let done else { throw error }
            throw error.prefixed("\(done), then failed: ")
        }
    }
}
