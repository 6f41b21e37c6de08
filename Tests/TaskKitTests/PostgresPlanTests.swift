import Testing
@testable import TaskKit

/// PostgreSQL plans that must not depend on fresh statistics: a queue table's are stale by nature (analysed when
/// nothing waited, then a bulk load). See PostgresConnection.ensureConnected and migration 0008.
@Suite("PostgreSQL: plans with stale statistics, autovacuum settings")
struct PostgresPlanTests {
    @Test func claimAndOutcomesWalkTheirIndexesWhenStatisticsSayNothingWaits() async throws {
        let store = try #require(try await Backend.postgres.makeLocation().migrated() as? PostgresStore)
        // Statistics taken with one job in the table, then 20,000 more: the planner expects a handful of rows.
        _ = try await store.enqueue([newJob("first")], now: Clock.now())
        _ = try await store.connection.run { db in try db.exec("ANALYZE taskq_jobs", [], prepare: false) }
        _ = try await store.enqueue((0..<20_000).map { newJob("j\($0)") }, now: Clock.now())
        let claimed = try await store.claim(queues: ["default"], tasks: ["noop"], limit: 500, worker: "w", now: Clock.now(),
                                            leaseUntil: Clock.now() + 60_000)
        #expect(claimed.count == 500)

        let plans: [(String, String, [String?])] = [
            ("claim, one queue", PostgresSQL.claim(singleQueue: true),
             [PGArray.text(["default"]), String(Clock.now()), "500", "w", String(Clock.now() + 60_000), PGArray.text(["noop"])]),
            ("claim, two queues", PostgresSQL.claim(singleQueue: false),
             [PGArray.text(["default", "other"]), String(Clock.now()), "500", "w", String(Clock.now() + 60_000), PGArray.text(["noop"])]),
        ]
        for (label, sql, params) in plans {
            let plan = try await store.connection.run { db -> String in
                let result = try db.exec("EXPLAIN " + sql, params, prepare: false)
                return (0..<result.rowCount).map { result.string($0, 0) }.joined(separator: "\n")
            }
            #expect(!plan.contains("Bitmap") && !plan.contains("Seq Scan on taskq_jobs"), "\(label):\n\(plan)")
        }
        // A batch of outcomes joins the attempts by key, never by reading all of them.
        let ids = PGArray.ints(claimed.map(\.id))
        let attemptsPlan = try await store.connection.run { db -> String in
            let result = try db.exec("""
                EXPLAIN UPDATE taskq_attempts a SET finished_at = 1 FROM unnest($1::bigint[]) AS u(id)
                WHERE a.job_id = u.id AND a.attempt = 1
                """, [ids], prepare: false)
            return (0..<result.rowCount).map { result.string($0, 0) }.joined(separator: "\n")
        }
        #expect(!attemptsPlan.contains("Seq Scan on taskq_attempts"), "\(attemptsPlan)")
    }

    @Test func jobTablesAreVacuumedEarlyAndUnthrottled() async throws {
        let store = try #require(try await Backend.postgres.makeLocation().migrated() as? PostgresStore)
        let options = try await store.connection.run { db -> [String] in
            let result = try db.exec("""
                SELECT c.relname || ':' || array_to_string(c.reloptions, ',') FROM pg_class c
                WHERE c.relnamespace = current_schema()::regnamespace AND c.relname IN ('taskq_jobs', 'taskq_attempts')
                ORDER BY c.relname
                """, [], prepare: false)
            return (0..<result.rowCount).map { result.string($0, 0) }
        }
        #expect(options.count == 2)
        for table in options {
            #expect(table.contains("autovacuum_vacuum_scale_factor=0.02") && table.contains("autovacuum_vacuum_cost_delay=0"), "\(table)")
        }
        let settings = try await store.connection.run { db -> String in
            let result = try db.exec("SELECT current_setting('enable_seqscan') || current_setting('enable_bitmapscan')", [], prepare: false)
            return result.string(0, 0)
        }
        #expect(settings == "offoff")
    }
}
