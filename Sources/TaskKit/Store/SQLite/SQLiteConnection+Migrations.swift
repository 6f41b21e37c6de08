import TaskqMigrations

extension SQLiteConnection: MigrationConnection {
    func runScript(_ sql: String) throws { try execute(sql) }

    func recordedMigrations() throws -> [Int: Millis] {
        try prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'taskq_migrations'").step()
            ? try appliedMigrations() : [:]
    }

    func appliedMigrations() throws -> [Int: Millis] {
        let statement = try prepare("SELECT version, applied_at FROM taskq_migrations")
        var applied: [Int: Millis] = [:]
        while try statement.step() { applied[Int(statement.int(0))] = statement.int(1) }
        return applied
    }

    func recordMigration(_ migration: Migration, at now: Millis) throws {
        try prepare("INSERT INTO taskq_migrations (version, name, applied_at) VALUES (?, ?, ?)")
            .bind([.int(Int64(migration.version)), .text(migration.name), .int(now)]).run()
    }
}
