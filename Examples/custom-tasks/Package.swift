// swift-tools-version:6.0
// A program with its own task handlers that runs the full taskq command set (its own "manage.py").
import PackageDescription

let package = Package(
    name: "custom-tasks",
    dependencies: [.package(name: "taskq", path: "../..")],
    targets: [
        .executableTarget(
            name: "mytasks",
            dependencies: [
                .product(name: "TaskKit", package: "taskq"),
                .product(name: "TaskqCLI", package: "taskq"),
            ],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
    ]
)
