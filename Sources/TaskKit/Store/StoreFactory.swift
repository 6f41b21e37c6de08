/// Picks and opens a backend from a database URL.
public enum StoreFactory {
    /// The default when no URL is configured: `taskq.sqlite3` in the working directory.
    public static let defaultURL = "sqlite:taskq.sqlite3"

    /// Opens the store named by `url`. With `create` (only `migrate` passes it) a missing SQLite file is created.
    /// Throws `TaskqError.usage` for an unknown scheme and `.unavailable` when the backend cannot be reached.
    public static func open(url: String, create: Bool = false) async throws -> JobStore {
        switch try DatabaseURL.parse(url) {
        case let .sqlite(path):
            return try await SQLiteStore.open(path: path, create: create)
        }
    }
}

/// A parsed `--database-url`.
public enum DatabaseURL: Equatable {
    case sqlite(path: String)

    /// Accepts `sqlite:PATH`, `sqlite://PATH` and `sqlite:///ABSOLUTE/PATH`.
    public static func parse(_ url: String) throws -> DatabaseURL {
        if url.hasPrefix("sqlite:") {
            var path = String(url.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw TaskqError.usage("database URL '\(url)' has no file path (example: sqlite:taskq.sqlite3)") }
            return .sqlite(path: path)
        }
        let scheme = url.split(separator: ":", maxSplits: 1).first.map(String.init) ?? url
        if ["postgres", "postgresql", "redis", "rediss", "unix"].contains(scheme) {
            throw TaskqError.usage("the \(scheme) backend is not available in this build of taskq; use sqlite:PATH")
        }
        throw TaskqError.usage("unsupported database URL '\(redacted(url))': expected sqlite:PATH")
    }

    /// The URL with any password replaced by `***`, safe for logs and messages.
    public static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        guard let at = rest.lastIndex(of: "@") else { return url }
        let userInfo = rest[rest.startIndex..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<schemeEnd.upperBound]) + userInfo[..<colon] + ":***" + rest[at...]
    }
}
