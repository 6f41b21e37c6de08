// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "taskq",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "taskq", targets: ["taskq"]),
        .library(name: "TaskKit", targets: ["TaskKit"]),
        .library(name: "TaskqCLI", targets: ["TaskqCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Only its HummingbirdBcrypt product is built and linked: OpenBSD's bcrypt in C, none of the server.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        // `taskq serve`: HTTP server, Prometheus text format. Hummingbird without its default traits: `FullFoundation`
        // (only the form coder's `.formatted(DateFormatter)` date strategy, unused) would link all of Foundation and
        // ICU's 34 MB of data; `ConfigurationSupport` (swift-configuration) is unused. The dashboard's HTML is
        // rendered by our own typed code (docs/server.md#rendering), not a template engine, for the same reason.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        // libpq and hiredis headers; the libraries themselves are loaded on first use by CBackendLoader.
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CHiredis", path: "Sources/CHiredis", providers: [.apt(["libhiredis-dev"])]),
        .target(name: "CBackendLoader", path: "Sources/CBackendLoader"),
        .target(name: "CTaskqSupport", path: "Sources/CTaskqSupport"),
        .target(
            name: "TaskqMigrations",
            path: "migrations",
            exclude: ["README.md"],
            sources: ["MigrationCatalog.swift"],
            resources: [
                .embedInCode("sqlite/sqlite_0001_init.sql"),
                .embedInCode("sqlite/sqlite_0002_schedules.sql"),
                .embedInCode("sqlite/sqlite_0003_operators.sql"),
                .embedInCode("sqlite/sqlite_0004_output.sql"),
                .embedInCode("sqlite/sqlite_0005_users.sql"),
                .embedInCode("sqlite/sqlite_0006_worker_retries.sql"),
                .embedInCode("sqlite/sqlite_0007_job_counts.sql"),
                .embedInCode("sqlite/sqlite_0008_state_lists.sql"),
                .embedInCode("sqlite/sqlite_0009_state_index_without_running.sql"),
                .embedInCode("sqlite/sqlite_0010_user_and_token_ids_never_reused.sql"),
                .embedInCode("postgres/postgres_0001_init.sql"),
                .embedInCode("postgres/postgres_0002_schedules.sql"),
                .embedInCode("postgres/postgres_0003_operators.sql"),
                .embedInCode("postgres/postgres_0004_output.sql"),
                .embedInCode("postgres/postgres_0005_users.sql"),
                .embedInCode("postgres/postgres_0006_worker_retries.sql"),
                .embedInCode("postgres/postgres_0007_job_counts.sql"),
                .embedInCode("postgres/postgres_0008_autovacuum.sql"),
                .embedInCode("postgres/postgres_0009_any_queue_claim_index.sql"),
                .embedInCode("postgres/postgres_0010_state_index_without_running.sql"),
                .embedInCode("postgres/postgres_0011_inserts_count_themselves.sql"),
            ]
        ),
        .target(
            name: "TaskKit",
            dependencies: [
                "CSQLite",
                "CLibPQ",
                "CHiredis",
                "CBackendLoader",
                "CTaskqSupport",
                "TaskqMigrations",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .target(
            name: "TaskqServer",
            dependencies: [
                "TaskKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [
                .embedInCode("Resources/openapi.json"),
                .embedInCode("Resources/taskq.css"),
                .embedInCode("Resources/taskq.js"),
            ],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .target(
            name: "TaskqCLI",
            dependencies: [
                "TaskKit",
                "TaskqServer",
                "CTaskqSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .executableTarget(
            name: "taskq",
            dependencies: ["TaskqCLI"],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        // Examples/custom-tasks (its own package, for users to copy) built as part of this one too, so `make test`
        // compiles it with everything else and the end-to-end tests run it as a user would (ExampleProgramTests),
        // without building the whole dependency tree a second time in the example's own .build.
        .executableTarget(
            name: "CustomTasksExample",
            dependencies: ["TaskKit", "TaskqCLI"],
            path: "Examples/custom-tasks/Sources/mytasks",
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .target(
            name: "TaskqTestSupport",
            path: "Tests/TaskqTestSupport",
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .testTarget(
            name: "TaskKitTests",
            dependencies: ["TaskKit", "TaskqMigrations", "TaskqTestSupport"],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .testTarget(
            name: "TaskqServerTests",
            dependencies: ["TaskqServer", "TaskKit"],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .testTarget(
            name: "TaskqEndToEndTests",
            dependencies: ["TaskKit", "TaskqTestSupport"],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
    ]
)
