import Logging
import TaskKit

/// Everything the routes share for the life of one `taskq serve`: the store (one per process; its connection
/// threads keep every blocking call off the event loops), the config and task registry the CLI would use, and the
/// server's own state (sessions, login throttle, token cache, live feed, enqueue batching).
final class ServerState: Sendable {
    let store: TaskqStore
    let config: TaskqConfig
    let registry: TaskRegistry
    let settings: ServerSettings
    let logger: Logger
    let sessions: SessionStore
    let throttle: LoginThrottle
    let tokens = TokenCache()
    let enqueueNotes = EnqueueNotesCache()
    let sessionCheck = SessionCheck()
    let live: LiveFeed
    let batcher: EnqueueBatcher
    let metrics = HTTPMetrics()
    let startedAt = Clock.now()

    init(store: TaskqStore, config: TaskqConfig, registry: TaskRegistry, settings: ServerSettings, logger: Logger) {
        self.store = store
        self.config = config
        self.registry = registry
        self.settings = settings
        self.logger = logger
        sessions = SessionStore(idleMillis: settings.sessionIdleMillis)
        throttle = LoginThrottle(allowed: settings.loginFailuresAllowed, lockMillis: settings.loginLockMillis)
        live = LiveFeed(store: store, intervalMillis: settings.liveIntervalMillis, patienceSeconds: settings.readPatienceSeconds,
                        logger: logger)
        batcher = EnqueueBatcher(store: store)
    }

    /// A builder that accepts the tasks this process knows and those workers announced (as `create-job` does).
    /// Messages name JSON keys (`timeout`), not flags.
    func builder(tasks: Set<String>) async throws -> JobBuilder {
        let announced = try await JobBuilder.announcedTasks(for: Array(tasks), registry: registry, store: store)
        // Only tasks some worker announced (or this process knows) are accepted over HTTP: no force here.
        return JobBuilder(config: config, registry: registry, storeTasks: announced, force: false, keyNames: true,
                          forceHint: "start a worker that announces it (the API takes only tasks some worker announced; `taskq create-job --force` enqueues it anyway)")
    }
}
