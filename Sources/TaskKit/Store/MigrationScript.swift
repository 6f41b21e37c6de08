import TaskqMigrations

/// The SQL `taskq migrate` would apply for a database URL, for teams that apply schema changes themselves.
public enum MigrationScript {
    public static func sql(forURL url: String) throws -> String {
        switch try DatabaseURL.parse(url) {
        case .sqlite:
            var out = "-- taskq SQLite schema, \(MigrationCatalog.sqlite.count) migration(s)\nBEGIN IMMEDIATE;\n"
            out += SQLMigrations.createTable + ";\n"
            for m in MigrationCatalog.sqlite {
                out += "\n-- \(m.fileName)\n\(m.sql)\n"
                out += "INSERT INTO taskq_migrations (version, name, applied_at) VALUES (\(m.version), '\(m.name)', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));\n"
            }
            return out + "COMMIT;\n"
        case let .postgres(conninfo):
            return PostgresStore.migrationScript(schema: try PostgresTarget(url: conninfo).schema)
        case .redis:
            throw TaskqError.usage("Redis has no SQL schema: `taskq migrate` records the key-layout version (see docs/redis.md)")
        }
    }
}
