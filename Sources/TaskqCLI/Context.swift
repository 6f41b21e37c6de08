import TaskKit

/// Resolved settings for one command: the config file, the database URL (`DatabaseURL.resolve`: flag, then
/// environment, then file, then default) and the task registry the program was started with plus taskq.toml's
/// named tasks.
struct Context {
    let config: TaskqConfig
    let registry: TaskRegistry
    /// Resolved at once, but an invalid URL is reported only by the commands that open the store.
    private let resolvedURL: Result<DatabaseURL, Error>

    /// The config file's name for messages (`taskq.toml` when none was read).
    var configName: String { config.displayName }

    init(_ options: StoreOptions, registry: TaskRegistry) throws {
        config = try TaskqConfig.load(explicitPath: options.config ?? ProcessEnvironment.value("TASKQ_CONFIG"))
        try ScheduleCatalog.checkJobs(of: config)
        resolvedURL = Result { [config] in try DatabaseURL.resolve(flag: options.databaseURL, config: config) }
        var registry = registry
        registry.add(config: config)
        self.registry = registry
    }

    /// The database URL; throws `TaskqError.usage` when it is invalid.
    func databaseURL() throws -> DatabaseURL { try resolvedURL.get() }

    /// Opens the store without checking its schema; the caller closes it.
    func openStore(create: Bool = false) async throws -> TaskqStore {
        try await StoreFactory.open(try databaseURL(), create: create)
    }

    /// A server store (PostgreSQL, Redis) opened and its schema checked in the background, while the command does
    /// other work first (loading the client library and logging in take ~10 ms). Nil for SQLite (opening the file
    /// creates its -wal and -shm files) and for an invalid URL (reported when the store is opened). Hand it to
    /// `withStore(opened:)`, or to `discard` when the command stops before using it.
    func openingServerStore() -> Task<TaskqStore, Error>? {
        guard let url = try? databaseURL() else { return nil }
        if case .sqlite = url.target { return nil }
        return Task {
            let store = try await StoreFactory.open(url)
            do { try await store.requireSchema() } catch { await store.close(); throw error }
            return store
        }
    }

    /// Closes a store from `openingServerStore` once it is open, without waiting: an unreachable server must not
    /// hold back the command's own error for its connect timeout.
    static func discard(_ opening: Task<TaskqStore, Error>?) {
        guard let opening else { return }
        Task { if let store = try? await opening.value { await store.close() } }
    }

    /// `withStore` for a store `opened` (and its schema checked) beforehand; nil opens it now.
    @discardableResult
    func withStore<T>(opened: Task<TaskqStore, Error>?, _ body: (TaskqStore) async throws -> T) async throws -> T {
        guard let opened else { return try await withStore(body) }
        return try await Self.using(try await opened.value, body)
    }

    /// Opens the store, checks the schema (unless `create`, used by migrate), runs `body` and closes the store.
    @discardableResult
    func withStore<T>(create: Bool = false, checkSchema: Bool = true, _ body: (TaskqStore) async throws -> T) async throws -> T {
        try await Self.using(try await openStore(create: create)) { store in
            if checkSchema && !create { try await store.requireSchema() }
            return try await body(store)
        }
    }

    /// Runs `body` on an open store and closes the store whether `body` returns or throws.
    private static func using<T>(_ store: TaskqStore, _ body: (TaskqStore) async throws -> T) async throws -> T {
        do {
            let value = try await body(store)
            await store.close()
            return value
        } catch {
            await store.close()
            throw error
        }
    }
}
