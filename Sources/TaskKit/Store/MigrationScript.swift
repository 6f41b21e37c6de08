import TaskqMigrations

/// The SQL `taskq migrate` would apply for a database URL, for teams that apply schema changes themselves.
public enum MigrationScript {
    /// The script for `url`'s backend (its PostgreSQL schema included); connects to nothing. Throws
    /// `TaskqError.usage` for Redis, which has no SQL schema.
    public static func sql(for url: DatabaseURL) throws -> String {
        switch url.target {
        case .sqlite:
            var out = "-- taskq SQLite schema, \(MigrationCatalog.sqlite.count) migration(s)\nBEGIN IMMEDIATE;\n"
            out += SQLMigrations.createTable + ";\n"
            for m in MigrationCatalog.sqlite {
                out += "\n-- \(m.fileName)\n\(m.sql)\n"
                out += "INSERT INTO taskq_migrations (version, name, applied_at) VALUES (\(m.version), '\(m.name)', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));\n"
            }
            return out + "COMMIT;\n"
        case let .postgres(target):
            return PostgresStore.migrationScript(schema: target.schema)
        case .redis:
            throw TaskqError.usage("Redis has no SQL schema: `taskq migrate` records the key-layout version (see docs/redis.md)")
        }
    }
}
