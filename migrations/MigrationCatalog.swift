/// One versioned schema change, embedded in the binary.
public struct Migration: Sendable, Equatable {
    /// Increasing version within a backend, starting at 1 (the number in the file name). Versions may have gaps
    /// while branches that add migrations are merged; the runner applies whatever is missing, in order.
    public let version: Int
    /// Short name, taken from the file name.
    public let name: String
    /// Resource file name, e.g. `sqlite_0001_init.sql`.
    public let fileName: String
    /// The SQL text.
    public let sql: String
}

/// The explicit list of embedded migrations per backend (resources cannot be enumerated).
public enum MigrationCatalog {
    /// Migrations for the SQLite store, in version order.
    public static let sqlite: [Migration] = [
        Migration(version: 1, name: "init", fileName: "sqlite_0001_init.sql",
                  sql: String(decoding: PackageResources.sqlite_0001_init_sql, as: UTF8.self)),
        Migration(version: 2, name: "schedules", fileName: "sqlite_0002_schedules.sql",
                  sql: String(decoding: PackageResources.sqlite_0002_schedules_sql, as: UTF8.self)),
        Migration(version: 3, name: "operators", fileName: "sqlite_0003_operators.sql",
                  sql: String(decoding: PackageResources.sqlite_0003_operators_sql, as: UTF8.self)),
        Migration(version: 4, name: "output", fileName: "sqlite_0004_output.sql",
                  sql: String(decoding: PackageResources.sqlite_0004_output_sql, as: UTF8.self)),
        Migration(version: 5, name: "users", fileName: "sqlite_0005_users.sql",
                  sql: String(decoding: PackageResources.sqlite_0005_users_sql, as: UTF8.self)),
        Migration(version: 6, name: "worker_retries", fileName: "sqlite_0006_worker_retries.sql",
                  sql: String(decoding: PackageResources.sqlite_0006_worker_retries_sql, as: UTF8.self)),
        Migration(version: 7, name: "job_counts", fileName: "sqlite_0007_job_counts.sql",
                  sql: String(decoding: PackageResources.sqlite_0007_job_counts_sql, as: UTF8.self)),
        Migration(version: 8, name: "state_lists", fileName: "sqlite_0008_state_lists.sql",
                  sql: String(decoding: PackageResources.sqlite_0008_state_lists_sql, as: UTF8.self)),
        Migration(version: 9, name: "state_index_without_running", fileName: "sqlite_0009_state_index_without_running.sql",
                  sql: String(decoding: PackageResources.sqlite_0009_state_index_without_running_sql, as: UTF8.self)),
        Migration(version: 10, name: "user_and_token_ids_never_reused", fileName: "sqlite_0010_user_and_token_ids_never_reused.sql",
                  sql: String(decoding: PackageResources.sqlite_0010_user_and_token_ids_never_reused_sql, as: UTF8.self)),
    ]

    /// Migrations for the PostgreSQL store, in version order (run inside the configured schema).
    public static let postgres: [Migration] = [
        Migration(version: 1, name: "init", fileName: "postgres_0001_init.sql",
                  sql: String(decoding: PackageResources.postgres_0001_init_sql, as: UTF8.self)),
        Migration(version: 2, name: "schedules", fileName: "postgres_0002_schedules.sql",
                  sql: String(decoding: PackageResources.postgres_0002_schedules_sql, as: UTF8.self)),
        Migration(version: 3, name: "operators", fileName: "postgres_0003_operators.sql",
                  sql: String(decoding: PackageResources.postgres_0003_operators_sql, as: UTF8.self)),
        Migration(version: 4, name: "output", fileName: "postgres_0004_output.sql",
                  sql: String(decoding: PackageResources.postgres_0004_output_sql, as: UTF8.self)),
        Migration(version: 5, name: "users", fileName: "postgres_0005_users.sql",
                  sql: String(decoding: PackageResources.postgres_0005_users_sql, as: UTF8.self)),
        Migration(version: 6, name: "worker_retries", fileName: "postgres_0006_worker_retries.sql",
                  sql: String(decoding: PackageResources.postgres_0006_worker_retries_sql, as: UTF8.self)),
        Migration(version: 7, name: "job_counts", fileName: "postgres_0007_job_counts.sql",
                  sql: String(decoding: PackageResources.postgres_0007_job_counts_sql, as: UTF8.self)),
        Migration(version: 8, name: "autovacuum", fileName: "postgres_0008_autovacuum.sql",
                  sql: String(decoding: PackageResources.postgres_0008_autovacuum_sql, as: UTF8.self)),
        Migration(version: 9, name: "any_queue_claim_index", fileName: "postgres_0009_any_queue_claim_index.sql",
                  sql: String(decoding: PackageResources.postgres_0009_any_queue_claim_index_sql, as: UTF8.self)),
        Migration(version: 10, name: "state_index_without_running", fileName: "postgres_0010_state_index_without_running.sql",
                  sql: String(decoding: PackageResources.postgres_0010_state_index_without_running_sql, as: UTF8.self)),
        Migration(version: 11, name: "inserts_count_themselves", fileName: "postgres_0011_inserts_count_themselves.sql",
                  sql: String(decoding: PackageResources.postgres_0011_inserts_count_themselves_sql, as: UTF8.self)),
    ]

    /// All migrations keyed by backend folder name (`sqlite`, `postgres`), for catalog tests.
    public static let byBackend: [String: [Migration]] = [
        "sqlite": sqlite,
        "postgres": postgres,
    ]
}
