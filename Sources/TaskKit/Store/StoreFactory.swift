/// Picks and opens a backend from a database URL.
public enum StoreFactory {
    /// The default when no URL is configured: `taskq.sqlite3` in the working directory.
    public static let defaultURL = DatabaseURL.defaultURL

    /// Opens the store `url` names, handing the backend its typed target. With `create` (only `migrate` passes it)
    /// a missing SQLite file is created. Throws `.unavailable` when the backend cannot be reached.
    public static func open(_ url: DatabaseURL, create: Bool = false) async throws -> TaskqStore {
        switch url.target {
        case let .sqlite(path):
            return try await SQLiteStore.open(path: path, create: create)
        case let .postgres(target):
            return try await PostgresStore.open(target: target)
        case let .redis(target):
            return try await RedisStore.open(target: target)
        }
    }

    /// Parses `url` (`TaskqError.usage` for an unknown scheme or invalid target) and opens it.
    public static func open(url: String, create: Bool = false) async throws -> TaskqStore {
        try await open(try DatabaseURL.parse(url), create: create)
    }
}
