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

    /// The shared test servers: Redis runs with AOF (`everysec`); the PostgreSQL cluster, for speed, with `fsync`,
    /// `synchronous_commit` and `full_page_writes` off, each of which can lose a commit taskq reported.
    @Test(arguments: Backend.allCases)
    func durabilityWarningsNameEachSettingThatLosesCommits(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let warnings = await store.durabilityWarnings()
        switch backend {
        case .sqlite, .redis: #expect(warnings == [])
        case .postgres:
            #expect(warnings.count == 3, "\(warnings)")
            for setting in ["fsync off", "synchronous_commit off", "full_page_writes off"] {
                #expect(warnings.contains { $0.hasPrefix("PostgreSQL at postgres://") && $0.contains(setting) }, "\(warnings)")
            }
        }
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

    /// Redis only: a layout-2 store, whose attempts lived in a hash of their own per job (`attempts:ID`), keeps every
    /// attempt across `taskq migrate` to layout 3 (attempts inside the job hash), over more jobs than one migration
    /// chunk, and its jobs go on running.
    @Test func redisLayoutTwoUpgradeMovesAttemptsIntoTheJobHash() async throws {
        let location = try await Backend.redis.makeLocation()
        let store = try #require(try await location.migrated() as? RedisStore)
        let count = RedisStore.migrationChunk + 500
        let ids = try await store.enqueue((0..<count).map { newJob("j\($0)") }, now: t0).map(\.id)
        let claimed = try await store.claim(queues: ["default"], limit: 3, worker: "w", now: t0 + 10, leaseUntil: t0 + 30_000)
        _ = try await store.finish([JobOutcome(job: claimed[0], worker: "w", kind: .failed(error: "boom", outcome: .failed))],
                                   now: t0 + 20)
        // The last job gets an attempt too, so the final chunk has one to move.
        let last = try #require(ids.last)
        var before: [Int64: [Attempt]] = [:]
        for id in claimed.map(\.id) { before[id] = try await store.attempts(jobID: id) }
        #expect(before[claimed[0].id]?.first?.outcome == .failed)
        #expect(before[claimed[1].id]?.first?.outcome == .running)
        // Rewrite the three jobs' attempts as layout 2 kept them, add one for the last job, and record version 2.
        let p = store.target.prefix
        try await store.connection.run { db in
            for id in claimed.map(\.id) {
                let fields = try db.command(["HGETALL", "\(p):job:\(id)"]).array.compactMap(\.string)
                for k in stride(from: 0, to: fields.count - 1, by: 2) where fields[k].first?.isNumber == true {
                    try db.command(["HDEL", "\(p):job:\(id)", fields[k]])
                    try db.command(["HSET", "\(p):attempts:\(id)", fields[k], fields[k + 1]])
                }
            }
            try db.command(["HSET", "\(p):attempts:\(last)", "1.started_at", "5", "1.worker", "old", "1.outcome", "lost",
                            "1.finished_at", "6"])
            // An index entry whose job hash is gone: its attempts go, and no job hash is made for it.
            try db.command(["ZADD", "\(p):idx:all", "999999", "999999"])
            try db.command(["HSET", "\(p):attempts:999999", "1.outcome", "lost"])
            try db.command(["HSET", "\(p):meta", "layout_version", "2"])
        }
        #expect(try await store.attempts(jobID: claimed[0].id).isEmpty)
        let reopened = try await location.open()
        await #expect(throws: TaskqError.self) { try await reopened.requireSchema() }
        #expect(try await reopened.migrate(now: t0).map(\.version) == [RedisStore.layoutVersion])
        #expect(try await reopened.migrate(now: t0).isEmpty)
        try await reopened.requireSchema()
        for id in claimed.map(\.id) { #expect(try await reopened.attempts(jobID: id) == before[id]) }
        #expect(try await reopened.attempts(jobID: last).map(\.outcome) == [.lost])
        let left = try await store.connection.run { db in
            try (claimed.map(\.id) + [last]).map { try db.command(["EXISTS", "\(p):attempts:\($0)"]).int ?? -1 }
        }
        #expect(left == [0, 0, 0, 0])
        let orphan = try await store.connection.run { db in
            try ["\(p):attempts:999999", "\(p):job:999999"].map { try db.command(["EXISTS", $0]).int ?? -1 }
        }
        #expect(orphan == [0, 0])
        // The running job finishes and closes the attempt it opened under layout 2.
        let reply = try await reopened.finish([JobOutcome(job: claimed[1], worker: "w", kind: .completed(result: .null))], now: t0 + 40)
        #expect(reply.applied == [claimed[1].id])
        #expect(try await reopened.attempts(jobID: claimed[1].id).map(\.outcome) == [.completed])
    }
}
