/// One row of a query in either SQL dialect, read by column index.
protocol SQLRow {
    func int(_ column: Int) -> Int64
    func optionalInt(_ column: Int) -> Int64?
    func text(_ column: Int) -> String
    func optionalText(_ column: Int) -> String?
    func bool(_ column: Int) -> Bool
}

/// The job columns both SQL stores select, in one order, and the one decoder over them.
enum JobColumns {
    static let names = [
        "id", "name", "task", "args", "queue", "priority", "state", "attempt", "attempt_offset", "max_retries", "backoff",
        "retry_delay_ms", "timeout_ms", "run_at", "unique_key", "result", "error", "created_at", "started_at", "finished_at",
        "worker", "lease_until", "cancel_requested",
    ]

    /// The select list; `json` wraps the JSON columns (PostgreSQL reads jsonb as `args::text`).
    static func selectList(json: (String) -> String = { $0 }) -> String {
        names.map { $0 == "args" || $0 == "result" ? json($0) : $0 }.joined(separator: ", ")
    }

    /// Decodes a row selected with `selectList`. Text that is not JSON is kept as a JSON string.
    static func decode(_ row: SQLRow) -> Job {
        func json(_ text: String) -> JSONValue { (try? JSONValue.parse(text)) ?? .string(text) }
        return Job(
            id: row.int(0), name: row.text(1), task: row.text(2), args: json(row.text(3)),
            queue: row.text(4), priority: Int(row.int(5)),
            state: JobState(rawValue: row.text(6)) ?? .failed,
            attempt: Int(row.int(7)), attemptOffset: Int(row.int(8)), maxRetries: Int(row.int(9)),
            retryPolicy: RetryPolicy(backoff: Backoff(rawValue: row.text(10)) ?? .exponential, baseDelayMillis: row.int(11)),
            timeoutMillis: row.optionalInt(12), runAt: row.int(13), uniqueKey: row.optionalText(14),
            result: row.optionalText(15).map(json), error: row.optionalText(16), createdAt: row.int(17),
            startedAt: row.optionalInt(18), finishedAt: row.optionalInt(19), worker: row.optionalText(20),
            leaseUntil: row.optionalInt(21), cancelRequested: row.bool(22))
    }
}
