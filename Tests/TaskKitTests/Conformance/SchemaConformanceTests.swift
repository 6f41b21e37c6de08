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
        try await store.registerWorker(WorkerInfo(id: "w", host: "h", pid: 1, queues: ["default"], concurrency: 2, startedAt: t0, lastSeen: t0,
                                                  leaseMillis: 15_000))
        try await store.unregisterWorker(id: "w")
    }

    @Test func catalogMatchesTheMigrationsDirectory() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("migrations")
        for (backend, catalog) in MigrationCatalog.byBackend {
            let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(backend).path)
                .filter { $0.hasSuffix(".sql") }.sorted()
            #expect(files == catalog.map(\.fileName), "migrations/\(backend) and MigrationCatalog differ")
            // Versions increase from 1 and match their file names; gaps are allowed (branches adding migrations
            // are merged in any order, and the runner applies whatever is missing).
            #expect(catalog.first?.version == 1 && zip(catalog, catalog.dropFirst()).allSatisfy { $0.version < $1.version })
            for migration in catalog {
                #expect(!migration.sql.isEmpty)
                #expect(migration.fileName == String(format: "%@_%04d_%@.sql", backend, migration.version, migration.name))
            }
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

    /// Redis only (the SQL stores' migrations are covered above): a layout-1 store, whose ready sets were one per
    /// queue, keeps every ready job across `taskq migrate` to layout 2 (one set per queue and task).
    @Test func redisLayoutOneUpgradeKeepsReadyJobs() async throws {
        let location = try await Backend.redis.makeLocation()
        let store = try #require(try await location.migrated() as? RedisStore)
        let ids = try await store.enqueue([newJob("a", task: "echo", priority: 9), newJob("b", task: "noop"), newJob("later", runAt: t0 + 60_000)],
                                          now: t0).map(\.id)
        // Rewrite the ready sets as layout 1 had them and record version 1.
        let p = store.target.prefix
        try await store.connection.run { db in
            for (task, id) in [("echo", ids[0]), ("noop", ids[1])] {
                let key = "\(p):ready:7:default:\(task)"
                let member = String(format: "%015lld", id)
                let score = try #require(try db.command(["ZSCORE", key, member]).string)
                try db.command(["ZREM", key, member])
                try db.command(["ZADD", "\(p):ready:default", score, member])
            }
            try db.command(["HSET", "\(p):meta", "layout_version", "1"])
        }
        let reopened = try await location.open()
        await #expect(throws: TaskqError.self) { try await reopened.requireSchema() }
        #expect(try await reopened.migrate(now: t0).map(\.version) == [RedisStore.layoutVersion])
        try await reopened.requireSchema()
        let claimed = try await reopened.claim(queues: ["default"], limit: 10, worker: "w", now: t0 + 60_000, leaseUntil: t0 + 90_000)
        #expect(claimed.map(\.name) == ["a", "b", "later"])
        let leftover = try await store.connection.run { db in try db.command(["EXISTS", "\(p):ready:default"]).int }
        #expect(leftover == 0)
    }
}
