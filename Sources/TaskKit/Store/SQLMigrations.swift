import TaskqMigrations

/// What the shared SQL migration runner needs from a connection: each dialect answers in its own API.
protocol MigrationConnection {
    /// Runs a script of one or more statements.
    func runScript(_ sql: String) throws
    /// Applied versions with their times, from `taskq_migrations` (which exists: `apply` creates it first).
    func appliedMigrations() throws -> [Int: Millis]
    /// `appliedMigrations`, or none when `taskq_migrations` does not exist (in the store's schema).
    func recordedMigrations() throws -> [Int: Millis]
    /// Records an applied migration in `taskq_migrations`.
    func recordMigration(_ migration: Migration, at now: Millis) throws
}

/// The migration runner SQLite and PostgreSQL share: versioned scripts from `MigrationCatalog`, tracked in
/// `taskq_migrations`, applied in order. The caller holds the transaction and any lock.
enum SQLMigrations {
    static let createTable = """
        CREATE TABLE IF NOT EXISTS taskq_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)
        """

    /// Applies the pending migrations of `catalog`; refuses a database newer than this taskq.
    static func apply(_ catalog: [Migration], on db: MigrationConnection, now: Millis) throws -> [MigrationStatus] {
        try db.runScript(createTable)
        let applied = try db.appliedMigrations()
        let latest = catalog.last?.version ?? 0
        if let newest = applied.keys.max(), newest > latest {
            throw TaskqError.unavailable("database schema is at version \(newest), newer than this taskq knows (\(latest)): upgrade taskq")
        }
        var done: [MigrationStatus] = []
        for migration in catalog where applied[migration.version] == nil {
            try db.runScript(migration.sql)
            try db.recordMigration(migration, at: now)
            done.append(MigrationStatus(version: migration.version, name: migration.name, appliedAt: now))
        }
        return done
    }

    /// Every migration of `catalog` with its applied time (nil when pending), then any applied version the catalog
    /// does not have (a newer taskq's), marked unknown.
    static func status(_ catalog: [Migration], on db: MigrationConnection) throws -> [MigrationStatus] {
        let applied = try db.recordedMigrations()
        let known = Set(catalog.map(\.version))
        return catalog.map { MigrationStatus(version: $0.version, name: $0.name, appliedAt: applied[$0.version]) }
            + applied.keys.filter { !known.contains($0) }.sorted().map {
                MigrationStatus(version: $0, name: "(unknown to this taskq)", appliedAt: applied[$0], known: false)
            }
    }

    /// Throws the "run `taskq migrate`" / "upgrade taskq" error unless the schema is current: every migration of
    /// `catalog` applied (not only the newest, since versions may have gaps) and none newer.
    static func require(_ catalog: [Migration], on db: MigrationConnection, place: String) throws {
        let applied = try db.recordedMigrations()
        let latest = catalog.last?.version ?? 0
        var current = applied.keys.max() ?? 0
        if current <= latest, let missing = catalog.first(where: { applied[$0.version] == nil }) {
            current = applied.keys.filter { $0 < missing.version }.max() ?? 0
        }
        try SchemaVersion.require(current: current, latest: latest, place: place)
    }
}
