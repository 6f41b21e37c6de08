import TaskKit
#if canImport(Glibc)
import Glibc
#endif

/// Resolved settings for one command: config file, database URL (flags, then environment, then file, then
/// default) and the task registry.
struct Context {
    let config: TaskqConfig
    let databaseURL: String
    let registry: TaskRegistry

    /// The config file's name for messages (`taskq.toml` when none was read).
    var configName: String { config.path.map { String($0.split(separator: "/").last ?? Substring($0)) } ?? TaskqConfig.fileName }

    init(_ options: StoreOptions) throws {
        let env = Environment.self
        config = try TaskqConfig.load(explicitPath: options.config ?? env.get("TASKQ_CONFIG"))
        databaseURL = options.databaseURL ?? env.get("TASKQ_DATABASE_URL") ?? config.databaseURL ?? StoreFactory.defaultURL
        var registry = TaskqMain.registry
        registry.add(config: config)
        self.registry = registry
    }

    /// Opens the store, checks the schema (unless `create`, used by migrate), runs `body` and closes the store.
    func withStore<T>(create: Bool = false, checkSchema: Bool = true, _ body: (TaskqStore) async throws -> T) async throws -> T {
        let store = try await StoreFactory.open(url: databaseURL, create: create)
        do {
            if checkSchema && !create { try await store.requireSchema() }
            let value = try await body(store)
            await store.close()
            return value
        } catch {
            await store.close()
            throw error
        }
    }
}

enum Environment {
    static func get(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        let value = String(cString: raw)
        return value.isEmpty ? nil : value
    }
}
