import CBackendLoader

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

    /// Starts loading the client library of the backend `url` names (libpq: 2.7–3.8 ms and ~20 shared libraries;
    /// hiredis) on a thread of its own, so that the load overlaps the command's start-up; the store's open waits for
    /// it. Does nothing for SQLite or for a URL that does not parse (the open reports that).
    public static func preloadClientLibrary(for url: String?) {
        guard let url, let parsed = try? DatabaseURL.parse(url) else { return }
        switch parsed.target {
        case .sqlite: break
        case .postgres: taskq_preload_backend(1)
        case .redis: taskq_preload_backend(0)
        }
    }

    /// Parses `url` (`TaskqError.usage` for an unknown scheme or invalid target) and opens it.
    public static func open(url: String, create: Bool = false) async throws -> TaskqStore {
        try await open(try DatabaseURL.parse(url), create: create)
    }
}
