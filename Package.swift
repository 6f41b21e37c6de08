// swift-tools-version:6.0
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
                .embedInCode("postgres/postgres_0001_init.sql"),
                .embedInCode("postgres/postgres_0002_schedules.sql"),
                .embedInCode("postgres/postgres_0003_operators.sql"),
                .embedInCode("postgres/postgres_0004_output.sql"),
                .embedInCode("postgres/postgres_0005_users.sql"),
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
            name: "TaskqCLI",
            dependencies: [
                "TaskKit",
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
            name: "TaskqEndToEndTests",
            dependencies: ["TaskKit", "TaskqTestSupport"],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
    ]
)
