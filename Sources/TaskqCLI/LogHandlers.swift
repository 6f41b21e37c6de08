import Logging
import TaskKit
#if canImport(Glibc)
import Glibc
#endif

/// `2026-11-22T19:45:34.123456Z info  job 12 completed …` on stderr, one line per record: control characters in the
/// message (a multi-line error, escape sequences from job output) are escaped.
struct TextLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    /// Kept for loggers derived from this one (a job's fields); a text record prints its message only.
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level.rawValue + String(repeating: " ", count: max(0, 8 - event.level.rawValue.count))
        StatusLine.print("\(TimeFormat.iso8601Micros(Clock.nowMicros())) \(level)\(TerminalText.escaped(event.message.description))\n")
    }
}

/// One JSON object per line on stderr: `time`, `level`, `logger`, `message` and the metadata (the handler's, the
/// provider's, the record's, later ones winning, as swift-log's own handlers merge them) as fields of their own
/// (a job's records carry `job_id`, `task`, `queue`, `attempt` and, once it ended, `duration_ms`; integers as numbers).
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    /// Fields made when a record is written (a job's `job_id`, `task`, `queue`, `attempt`: `Worker`).
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        merged.merge(metadataProvider?.get() ?? [:], uniquingKeysWith: { $1 })
        merged.merge(event.metadata ?? [:], uniquingKeysWith: { $1 })
        fputs(Self.line(level: event.level, label: label, message: event.message.description, metadata: merged), stderr)
    }

    /// One record as its line (newline included): the fields above, then `metadata` by key.
    static func line(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata = [:]) -> String {
        var pairs: [(String, JSONValue)] = [("time", .string(TimeFormat.iso8601Micros(Clock.nowMicros()))), ("level", .string(level.rawValue)),
                                             ("logger", .string(label)), ("message", .string(message))]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { pairs.append((key, json(value))) }
        return JSONValue.object(pairs).serialized() + "\n"
    }

    /// Integers as JSON numbers, lists and dictionaries as JSON, anything else as its text.
    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case let .string(text): return .string(text)
        case let .stringConvertible(item):
            if let number = item as? any BinaryInteger, let exact = Int64(exactly: number) { return .int(exact) }
            return .string(item.description)
        case let .array(items): return .array(items.map(json))
        case let .dictionary(pairs): return .object(pairs.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) })
        }
    }
}
