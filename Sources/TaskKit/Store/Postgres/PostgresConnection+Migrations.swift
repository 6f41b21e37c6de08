import TaskqMigrations

extension PostgresConnection: MigrationConnection {
    func runScript(_ sql: String) throws { try exec(sql, [], prepare: false) }

    func appliedMigrations() throws -> [Int: Millis] {
        try recordedMigrations()
    }

    /// One round trip (every command checks the schema on a fresh connection): a missing table reads as none applied.
    func recordedMigrations() throws -> [Int: Millis] {
        let sql = "SELECT version, applied_at FROM \(target.quotedSchema).taskq_migrations"
        guard let r = try execUnlessTableMissing(sql) else { return [:] }
        var applied: [Int: Millis] = [:]
        for row in 0..<r.rowCount { applied[Int(r.int(row, 0))] = r.int(row, 1) }
        return applied
    }

    func recordMigration(_ migration: Migration, at now: Millis) throws {
        try exec("INSERT INTO taskq_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                 [String(migration.version), migration.name, String(now)], prepare: false)
    }
}
