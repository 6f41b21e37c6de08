import Foundation
import Testing
import TaskqMigrations
@testable import TaskKit

@Suite("Conformance: schema and migrations")
struct SchemaConformanceTests {
    @Test(arguments: Backend.allCases)
    func migrateIsIdempotentAndConcurrentSafe(backend: Backend) async throws {
        let location = try await backend.makeLocation()
        let a = try await location.open(create: true)
        let b = try await location.open(create: true)
        async let first = a.migrate(now: t0)
        async let second = b.migrate(now: t0)
        let applied = try await first.count + second.count
        #expect(applied == (backend == .redis ? 1 : MigrationCatalog.byBackend[backend.rawValue]?.count))
        #expect(try await a.migrate(now: t0).isEmpty)
        #expect(try await a.migrationStatus().allSatisfy { $0.appliedAt != nil })
        try await a.requireSchema()
    }

    @Test(arguments: Backend.allCases)
    func missingSchemaIsReportedClearly(backend: Backend) async throws {
        let store = try await backend.makeLocation().open(create: true)
        await #expect(throws: TaskqError.self) { try await store.requireSchema() }
        do { try await store.requireSchema() } catch let error as TaskqError {
            #expect(error.exitCode == 69 && error.description.contains("taskq migrate"), "\(error)")
        }
    }

    @Test(arguments: Backend.allCases)
    func tasksAndWorkersAreRecorded(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        try await store.announceTasks([TaskInfo(name: "send-email", description: "Sends")], worker: "w", now: t0)
        try await store.announceTasks([TaskInfo(name: "send-email", description: "Sends mail")], worker: "w2", now: t0)
        #expect(try await store.knownTasks() == [TaskInfo(name: "send-email", description: "Sends mail")])
        try await store.registerWorker(WorkerInfo(id: "w", host: "h", pid: 1, queues: ["default"], concurrency: 2, startedAt: t0, lastSeen: t0))
        try await store.unregisterWorker(id: "w")
    }

    @Test func catalogMatchesTheMigrationsDirectory() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("migrations")
        for (backend, catalog) in MigrationCatalog.byBackend {
            let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(backend).path)
                .filter { $0.hasSuffix(".sql") }.sorted()
            #expect(files == catalog.map(\.fileName), "migrations/\(backend) and MigrationCatalog differ")
            #expect(catalog.map(\.version) == Array(1...catalog.count))
            for migration in catalog { #expect(!migration.sql.isEmpty) }
        }
    }

    @Test func notADatabaseIsUnavailable() async throws {
        let dir = try TempDir()
        let path = dir.path + "/junk.sqlite3"
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        do {
            _ = try await StoreFactory.open(url: "sqlite:\(path)")
            Issue.record("opening a non-database succeeded")
        } catch let error as TaskqError {
            #expect(error.exitCode == 69 && error.description.contains("not an SQLite database"))
        }
    }
}
