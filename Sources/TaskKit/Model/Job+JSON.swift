/// The JSON shapes docs/json.md fixes for scripts: times are ISO 8601 UTC with milliseconds, absent values null.
extension Job {
    public func jsonObject(history: [Attempt]? = nil) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("id", .int(id)), ("name", .string(name)), ("task", .string(task)), ("args", args),
            ("queue", .string(queue)), ("priority", .int(Int64(priority))), ("state", .string(state.rawValue)),
            ("attempts", .int(Int64(attempt))), ("max_retries", .int(Int64(maxRetries))),
            ("backoff", .string(retryPolicy.backoff.rawValue)), ("retry_delay_ms", .int(retryPolicy.baseDelayMillis)),
            ("timeout_ms", timeoutMillis.map { .int($0) } ?? .null),
            ("run_at", .time(runAt)), ("created_at", .time(createdAt)), ("started_at", .time(startedAt)),
            ("finished_at", .time(finishedAt)), ("result", result ?? .null), ("error", error.map { .string($0) } ?? .null),
            ("worker", worker.map { .string($0) } ?? .null), ("unique_key", uniqueKey.map { .string($0) } ?? .null),
            ("lease_expires_at", state == .running ? .time(leaseUntil) : .null),
            ("cancel_requested", .bool(cancelRequested)),
        ]
        if let history { pairs.append(("history", .array(history.map { $0.jsonObject() }))) }
        return .object(pairs)
    }
}

extension Attempt {
    public func jsonObject() -> JSONValue {
        .obj(("attempt", .int(Int64(attempt))), ("started_at", .time(startedAt)), ("finished_at", .time(finishedAt)),
             ("worker", .string(worker)), ("outcome", .string(outcome.rawValue)), ("error", error.map { .string($0) } ?? .null))
    }
}

extension JSONValue {
    /// An ISO 8601 UTC time with milliseconds, or null.
    public static func time(_ ms: Millis?) -> JSONValue { ms.map { .string(TimeFormat.iso8601($0)) } ?? .null }
}
