import Testing
@testable import TaskKit
import TaskqMigrations

/// The SQLite schema's state lists (migration 0008), its state index without running jobs (0009) and the queries that
/// must match them: SQLite uses a partial index only for a query whose WHERE clause repeats the index's terms, so a
/// query written otherwise silently falls back to a scan of every job.
@Suite("SQLite: state lists as OR chains, partial indexes in use")
struct SQLitePlanTests {
    @Test func claimsUniqueKeysAndListingsReadTheirPartialIndexes() async throws {
        let store = try #require(try await Backend.sqlite.makeLocation().migrated() as? SQLiteStore)
        _ = try await store.enqueue((0..<50).map { newJob("j\($0)", uniqueKey: "k\($0)") }, now: Clock.now())
        let plans: [(String, String, [SQLiteValue], String)] = [
            ("claim candidates", SQLiteSQL.claimCandidates(taskCount: 1),
             [.text("default"), .int(5), .int(Clock.now()), .text("noop"), .int(10)], "taskq_jobs_claim"),
            ("oldest due", SQLiteSQL.oldestDueAtPriority, [.text("default"), .int(5), .int(Clock.now())], "taskq_jobs_claim"),
            ("live unique key", SQLiteSQL.findLiveUnique, [.text("k1")], "taskq_jobs_unique_live"),
            ("listing running jobs", SQLiteSQL.listJobs(states: [.running], filter: JobFilter(queue: "x", limit: 50)).sql,
             [.text("x"), .int(50)], "taskq_jobs_lease"),
            ("listing finished jobs", SQLiteSQL.listJobs(states: [.completed, .failed], filter: JobFilter(limit: 50)).sql,
             [.text("completed"), .text("failed"), .int(50)], "taskq_jobs_state"),
            ("listing waiting jobs, a page on", SQLiteSQL.listJobs(states: [.pending], filter: JobFilter(limit: 50, beforeID: 40)).sql,
             [.text("pending"), .int(40), .int(50)], "taskq_jobs_state"),
            ("running jobs per worker", "SELECT worker, COUNT(*) FROM taskq_jobs WHERE state = 'running' GROUP BY worker", [],
             "taskq_jobs_lease"),
            ("purge", SQLiteSQL.purgeBatch(states: 3),
             [.text("completed"), .text("failed"), .text("cancelled"), .int(Clock.now()), .int(1000)], "taskq_jobs_finished"),
        ]
        for (label, sql, params, index) in plans {
            let plan = try await store.connection.run { db -> String in
                let statement = try db.prepare("EXPLAIN QUERY PLAN " + sql).bind(params)
                var lines: [String] = []
                while try statement.step() { lines.append(statement.text(3)) }
                return lines.joined(separator: "\n")
            }
            // "SEARCH … USING INDEX name (terms)" or, reading a whole partial index, "SCAN … USING INDEX name".
            let uses = plan.split(separator: "\n").contains { $0.contains("INDEX \(index) ") || $0.hasSuffix("INDEX \(index)") }
            #expect(uses, "\(label):\n\(plan)")
        }
    }

    @Test func stateListsAreOrChainsThatStillRejectUnknownStates() async throws {
        let store = try #require(try await Backend.sqlite.makeLocation().migrated() as? SQLiteStore)
        _ = try await store.enqueue([newJob("one")], now: Clock.now())
        let schema = try await store.connection.run { db -> [String] in
            let statement = try db.prepare("""
                SELECT sql FROM sqlite_schema WHERE tbl_name IN ('taskq_jobs', 'taskq_attempts') AND sql IS NOT NULL
                """)
            var sql: [String] = []
            while try statement.step() { sql.append(statement.text(0)) }
            return sql
        }
        #expect(schema.count >= 7)
        for sql in schema {
            for column in ["state", "backoff", "outcome"] {
                #expect(!sql.contains("\(column) IN ("), "\(sql)")
            }
        }
        await #expect(throws: (any Error).self) {
            try await store.connection.run { db in
                try db.execute("INSERT INTO taskq_jobs (name, task, state, run_at, created_at) VALUES ('x', 'noop', 'bogus', 1, 1)")
            }
        }
        await #expect(throws: (any Error).self) {
            try await store.connection.run { db in
                try db.execute("UPDATE taskq_jobs SET backoff = 'sometimes'")
            }
        }
    }
}

/// Migration 0008 on a store created and filled by an earlier taskq (migrations 1-7): the jobs, their unique keys
/// and the claim work afterwards, and the database passes `integrity_check`.
@Suite("SQLite: upgrading a filled store to the OR-chain state lists")
struct SQLiteStateListsUpgradeTests {
    @Test func aStoreFilledBeforeMigration0008KeepsItsJobsAndChecks() async throws {
        let location = try await Backend.sqlite.makeLocation()
        let store = try #require(try await location.open(create: true) as? SQLiteStore)
        let earlier = MigrationCatalog.sqlite.filter { $0.version < 8 }
        #expect(earlier.count == 7)
        _ = try await store.connection.run { db in try db.writeTransaction { try SQLMigrations.apply(earlier, on: db, now: 1) } }
        _ = try await store.enqueue((0..<100).map { newJob("j\($0)", uniqueKey: "k\($0)") }, now: Clock.now())

        #expect(try await store.migrate(now: Clock.now()).map(\.version) == Array(8...MigrationCatalog.sqlite.last!.version))
        let again = try await store.enqueue([newJob("again", uniqueKey: "k7")], now: Clock.now())
        #expect(again.first?.created == false)
        let claimed = try await store.claim(queues: ["default"], tasks: ["noop"], limit: 1_000, worker: "w", now: Clock.now(),
                                            leaseUntil: Clock.now() + 60_000)
        #expect(claimed.count == 100)
        let check = try await store.connection.run { db -> String in
            let statement = try db.prepare("PRAGMA integrity_check")
            _ = try statement.step()
            return statement.text(0)
        }
        #expect(check == "ok")
    }
}
