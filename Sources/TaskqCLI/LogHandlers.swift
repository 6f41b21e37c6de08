import Logging
import TaskKit
#if canImport(Glibc)
import Glibc
#endif

/// `2026-11-22T19:45:34.123Z info  job 12 completed …` on stderr.
struct TextLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level.rawValue + String(repeating: " ", count: max(0, 8 - event.level.rawValue.count))
        fputs("\(TimeFormat.iso8601(Clock.now())) \(level)\(event.message)\n", stderr)
    }
}

/// One JSON object per line on stderr: `time`, `level`, `logger`, `message` and metadata.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var pairs: [(String, JSONValue)] = [("time", .string(TimeFormat.iso8601(Clock.now()))), ("level", .string(event.level.rawValue)),
                                             ("logger", .string(label)), ("message", .string(event.message.description))]
        let merged = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 })
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { pairs.append((key, .string("\(value)"))) }
        fputs(JSONValue.object(pairs).serialized() + "\n", stderr)
    }
}
