/// Picks and opens a backend from a database URL.
public enum StoreFactory {
    /// The default when no URL is configured: `taskq.sqlite3` in the working directory.
    public static let defaultURL = "sqlite:taskq.sqlite3"

    /// Opens the store named by `url`. With `create` (only `migrate` passes it) a missing SQLite file is created.
    /// Throws `TaskqError.usage` for an unknown scheme and `.unavailable` when the backend cannot be reached.
    public static func open(url: String, create: Bool = false) async throws -> TaskqStore {
        switch try DatabaseURL.parse(url) {
        case let .sqlite(path):
            return try await SQLiteStore.open(path: path, create: create)
        case let .postgres(conninfo):
            return try await PostgresStore.open(url: conninfo)
        case let .redis(url):
            return try await RedisStore.open(url: url)
        }
    }
}

/// A parsed `--database-url`.
public enum DatabaseURL: Equatable {
    case sqlite(path: String)
    /// A libpq URI or key=value connection string (may hold a password).
    case postgres(conninfo: String)
    /// `redis://…` or `unix://…` (may hold a password).
    case redis(url: String)

    /// Accepts `sqlite:PATH`, `sqlite://PATH`, `sqlite:///ABSOLUTE/PATH`; `postgres://…`, `postgresql://…` and
    /// libpq key=value strings (`host=… dbname=…`).
    public static func parse(_ url: String) throws -> DatabaseURL {
        if url.hasPrefix("sqlite:") {
            var path = String(url.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw TaskqError.usage("database URL '\(url)' has no file path (example: sqlite:taskq.sqlite3)") }
            return .sqlite(path: path)
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") { return .postgres(conninfo: url) }
        if !url.contains("://"), url.contains("="), !url.hasPrefix("sqlite:") {
            return .postgres(conninfo: url)
        }
        if url.hasPrefix("redis://") || url.hasPrefix("unix://") { return .redis(url: url) }
        if url.hasPrefix("rediss://") { throw TaskqError.usage("TLS to Redis (rediss://) is not supported; use redis:// or unix://") }
        throw TaskqError.usage("unsupported database URL '\(redacted(url))': expected sqlite:PATH, postgres://… or redis://…")
    }

    /// The URL with any password replaced by `***`, safe for logs and messages: `user:***@host` in URIs,
    /// `password=***` in key=value strings and URI query parameters.
    public static func redacted(_ url: String) -> String {
        var out = url
        if let schemeEnd = out.range(of: "://") {
            let rest = out[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@") {
                if let colon = rest[rest.startIndex..<at].firstIndex(of: ":") {
                    out = String(out[..<rest.index(after: colon)]) + "***" + String(out[at...])
                } else if url.hasPrefix("redis") || url.hasPrefix("unix") {
                    // redis://SECRET@host: a lone userinfo is the password.
                    out = String(out[..<rest.startIndex]) + "***" + String(out[at...])
                }
            }
        }
        // password=… in key=value strings and query parameters, with or without spaces around '='.
        var result = ""
        var remaining = Substring(out)
        while let range = remaining.range(of: "password") {
            result += remaining[..<range.upperBound]
            remaining = remaining[range.upperBound...]
            let afterSpaces = remaining.drop(while: { $0 == " " })
            guard afterSpaces.first == "=" else { continue }
            let value = afterSpaces.dropFirst().drop(while: { $0 == " " })
            result += remaining[..<value.startIndex] + "***"
            let end: Substring.Index
            if value.first == "'" {
                end = value.dropFirst().firstIndex(of: "'").map { value.index(after: $0) } ?? value.endIndex
            } else {
                end = value.firstIndex(where: { $0 == " " || $0 == "&" }) ?? value.endIndex
            }
            remaining = value[end...]
        }
        return result + remaining
    }
}
