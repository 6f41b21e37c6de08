/// The backend's schema (SQL migrations; the Redis key-layout version).
public protocol SchemaStore: AnyObject, Sendable {
    /// Applies pending migrations atomically; concurrent callers serialise. Returns the versions applied now.
    func migrate(now: Millis) async throws -> [MigrationStatus]
    /// Every known migration with its applied time (nil when pending).
    func migrationStatus() async throws -> [MigrationStatus]
    /// Throws `TaskqError.unavailable` naming `taskq migrate` when the schema is missing or behind. Once it has
    /// passed, later calls return at once unless `recheck` (a health check) asks the store again.
    func requireSchema(recheck: Bool) async throws
    /// One line per server setting that lets a commit taskq reported be lost when the server or its machine crashes:
    /// Redis without AOF or with `appendfsync no`; PostgreSQL with `fsync`, `synchronous_commit` or
    /// `full_page_writes` off. Empty when there is none, or when the settings cannot be read (a managed server that
    /// hides them). `migrate`, `run-worker`, `beat` and `serve` show them (docs/contracts.md#durability).
    func durabilityWarnings() async -> [String]
}

extension SchemaStore {
    /// `requireSchema(recheck: false)`: asks the store once per store object.
    public func requireSchema() async throws { try await requireSchema(recheck: false) }
}

/// One migration and when it was applied. `known` is false for a version a newer taskq applied, which this one
/// does not have (the store then needs a newer taskq: every other command refuses it).
public struct MigrationStatus: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var appliedAt: Millis?
    public var known = true

    public init(version: Int, name: String, appliedAt: Millis?, known: Bool = true) {
        self.version = version
        self.name = name
        self.appliedAt = appliedAt
        self.known = known
    }
}
