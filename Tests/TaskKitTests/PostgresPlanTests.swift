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
             [PGArray.text(["default"]), String(Clock.now()), "500", "w", String(Clock.now() + 60_000), PGArray.text(["noop"]), "8"]),
            ("claim, two queues", PostgresSQL.claim(singleQueue: false),
             [PGArray.text(["default", "other"]), String(Clock.now()), "500", "w", String(Clock.now() + 60_000), PGArray.text(["noop"]), "8"]),
        ]
        for (label, sql, params) in plans {
            for generic in [false, true] {
                let plan = try await explain(store, sql, params, generic: generic)
                #expect(!plan.contains("Bitmap") && !plan.contains("Seq Scan on taskq_jobs"), "\(label), generic \(generic):\n\(plan)")
            }
        }
        // A batch of outcomes joins the attempts by key, never by reading all of them.
        let ids = PGArray.ints(claimed.map(\.id))
        for generic in [false, true] {
            let attemptsPlan = try await explain(store, """
                UPDATE taskq_attempts a SET finished_at = 1 FROM unnest($1::bigint[]) AS u(id)
                WHERE a.job_id = u.id AND a.attempt = 1
                """, [ids], generic: generic)
            #expect(!attemptsPlan.contains("Seq Scan on taskq_attempts"), "generic \(generic): \(attemptsPlan)")
        }
    }

    /// After a purge, autovacuum can take statistics of a job table that is nearly empty but keeps its pages: the
    /// planner then believes any number of new jobs fits in a row or two. Claims and outcomes must still find each
    /// row by its primary key, never by a join that reads the whole table (0.5-3 s a statement, seen in pg_churn).
    @Test func claimAndOutcomesFindRowsByKeyWhenStatisticsSayTheTableIsEmpty() async throws {
        let store = try #require(try await Backend.postgres.makeLocation().migrated() as? PostgresStore)
        _ = try await store.enqueue((0..<20_000).map { newJob("old\($0)") }, now: Clock.now())
        let stats = try await store.connection.run { db -> (Double, Int) in
            _ = try db.exec("ALTER TABLE taskq_jobs SET (autovacuum_enabled = false)", [], prepare: false)
            // What a purge leaves: every job gone but the last, so a vacuum cannot give the pages back.
            _ = try db.exec("DELETE FROM taskq_jobs WHERE id < (SELECT max(id) FROM taskq_jobs)", [], prepare: false)
            _ = try db.exec("VACUUM ANALYZE taskq_jobs", [], prepare: false)
            let r = try db.exec("SELECT reltuples::float8, relpages FROM pg_class WHERE oid = 'taskq_jobs'::regclass", [], prepare: false)
            return (Double(r.string(0, 0)) ?? -1, Int(r.int(0, 1)))
        }
        #expect(stats.0 >= 0 && stats.0 < 10 && stats.1 > 50, "statistics of a purged table: \(stats)")
        // 20,000 jobs due in another queue: a one-queue claim must not walk past them (the any-queue index).
        _ = try await store.enqueue((0..<20_000).map { newJob("bulk\($0)", queue: "bulk") }, now: Clock.now())
        _ = try await store.enqueue((0..<500).map { newJob("new\($0)") }, now: Clock.now())

        let now = Clock.now()
        let claimParams: [String?] = [PGArray.text(["default"]), String(now), "500", "w", String(now + 60_000), PGArray.text(["noop"]), "8"]
        var twoQueues = claimParams
        twoQueues[0] = PGArray.text(["default", "bulk"])
        var plans: [(String, String)] = []
        for generic in [false, true] {
            let claimPlan = try await explain(store, PostgresSQL.claim(singleQueue: true), claimParams, generic: generic)
            #expect(claimPlan.contains("Index Scan using taskq_jobs_claim on"), "one-queue claim, generic \(generic):\n\(claimPlan)")
            plans += [("claim, generic \(generic)", claimPlan),
                      ("claim, two queues, generic \(generic)",
                       try await explain(store, PostgresSQL.claim(singleQueue: false), twoQueues, generic: generic))]
        }
        let claimed = try await store.claim(queues: ["default"], tasks: ["noop"], limit: 500, worker: "w", now: now,
                                            leaseUntil: now + 60_000)
        #expect(claimed.count == 500)
        let outcomes = claimed.map { JobOutcome(job: $0, worker: "w", kind: .completed(result: .null)) }
        for generic in [false, true] {
            plans.append(("outcomes, generic \(generic)",
                          try await explain(store, PostgresSQL.finish, PostgresSQL.finishParameters(outcomes, now: now), generic: generic)))
        }
        for (label, plan) in plans {
            for join in ["Hash Join", "Merge Join", "Join Filter", "Materialize", "taskq_jobs_lease"] {
                #expect(!plan.contains(join), "\(label) plan uses \(join):\n\(plan)")
            }
        }
        let reply = try await store.finish(outcomes, now: now)
        #expect(reply.applied.count == 500)
    }

    /// Listings by state read the state index, which leaves running jobs out (migration 0010), and running jobs
    /// through the lease index, never by walking every job in id order or filtering rows by state: with statistics
    /// taken when the table held one job, and again with statistics of a purged table that kept its pages.
    @Test func listingsReadTheStateAndLeaseIndexesWhateverTheStatistics() async throws {
        let store = try #require(try await Backend.postgres.makeLocation().migrated() as? PostgresStore)
        /// 100 running jobs, 200 completed, then 5,000 pending ones newer than all of them (a walk of the primary key
        /// from the newest job would cross them all).
        func addJobs(_ tag: String) async throws {
            _ = try await store.enqueue((0..<20_000).map { newJob("\(tag)\($0)") }, now: Clock.now())
            let claimed = try await store.claim(queues: ["default"], tasks: ["noop"], limit: 300, worker: "w", now: Clock.now(),
                                                leaseUntil: Clock.now() + 60_000)
            let done = claimed.prefix(200).map { JobOutcome(job: $0, worker: "w", kind: .completed(result: .null)) }
            #expect(try await store.finish(Array(done), now: Clock.now()).applied.count == 200)
            _ = try await store.enqueue((0..<5_000).map { newJob("\(tag)-later\($0)") }, now: Clock.now())
        }
        func checkPlans(_ when: String) async throws {
            let running = try await store.list(JobFilter(states: [.running], limit: 500))
            #expect(running.count == 100)
            let newestRunning = try #require(running.first).id
            #expect(try await store.list(JobFilter(states: [.running], queue: "default", limit: 500, beforeID: newestRunning)).count == 99)
            let listings: [(String, JobFilter, [String])] = [
                ("running", JobFilter(states: [.running], limit: 50), ["taskq_jobs_lease"]),
                ("running in a queue, a page on", JobFilter(states: [.running], queue: "default", limit: 50, beforeID: newestRunning),
                 ["taskq_jobs_lease"]),
                ("completed", JobFilter(states: [.completed], limit: 50), ["taskq_jobs_state"]),
                ("running and completed", JobFilter(states: [.running, .completed], limit: 50), ["taskq_jobs_lease", "taskq_jobs_state"]),
                ("pending and failed", JobFilter(states: [.pending, .failed], limit: 50), ["taskq_jobs_state"]),
            ]
            for (label, filter, indexes) in listings {
                let (sql, params) = PostgresSQL.listJobs(filter)
                for generic in [false, true] {
                    let plan = try await explain(store, sql, params, generic: generic)
                    let what = "\(when), \(label), \(generic ? "generic" : "custom") plan"
                    for index in indexes { #expect(plan.contains(index), "\(what):\n\(plan)") }
                    #expect(!plan.contains("Seq Scan") && !plan.contains("Bitmap"), "\(what):\n\(plan)")
                    let filtersByState = plan.split(separator: "\n").contains { $0.contains("Filter:") && $0.contains("state") }
                    #expect(!filtersByState, "\(what) filters rows by state:\n\(plan)")
                }
            }
            let page = try await store.list(JobFilter(states: [.running, .completed], limit: 500))
            #expect(page.filter { $0.state == .running }.count == 100 && page.filter { $0.state == .completed }.count == 200)
            #expect(page.map(\.id) == page.map(\.id).sorted(by: >), "newest first")
        }
        // Statistics change only when this test takes them.
        _ = try await store.connection.run { db in try db.exec("ALTER TABLE taskq_jobs SET (autovacuum_enabled = false)", [], prepare: false) }
        _ = try await store.enqueue([newJob("first")], now: Clock.now())
        _ = try await store.connection.run { db in try db.exec("ANALYZE taskq_jobs", [], prepare: false) }
        try await addJobs("a")
        try await checkPlans("statistics of one job")

        // What a purge leaves: every job gone but the last, so a vacuum cannot give the pages back.
        let stats = try await store.connection.run { db -> (Double, Int) in
            _ = try db.exec("DELETE FROM taskq_jobs WHERE id < (SELECT max(id) FROM taskq_jobs)", [], prepare: false)
            _ = try db.exec("VACUUM ANALYZE taskq_jobs", [], prepare: false)
            let r = try db.exec("SELECT reltuples::float8, relpages FROM pg_class WHERE oid = 'taskq_jobs'::regclass", [], prepare: false)
            return (Double(r.string(0, 0)) ?? -1, Int(r.int(0, 1)))
        }
        #expect(stats.0 >= 0 && stats.0 < 10 && stats.1 > 50, "statistics of a purged table: \(stats)")
        try await addJobs("b")
        try await checkPlans("statistics of a purged table")

        // A purge batch deletes its rows by key, never by a join that walks every job.
        let cutoff = String(Clock.now() + 1)
        for states in [["completed", "failed", "cancelled"], ["failed"], ["completed", "failed"]] {
            for generic in [false, true] {
                let plan = try await explain(store, PostgresSQL.purgeBatch, [PGArray.text(states), cutoff, "1000"], generic: generic)
                let what = "purge \(states), generic \(generic)"
                #expect(plan.contains("Index Scan using taskq_jobs_pkey") && plan.contains("InitPlan"), "\(what):\n\(plan)")
                for join in ["Hash", "Merge Join", "Nested Loop", "Seq Scan", "Bitmap"] {
                    #expect(!plan.contains(join), "\(what) uses \(join):\n\(plan)")
                }
            }
        }
        #expect(try await store.purge(states: [.completed, .failed, .cancelled], finishedBefore: Clock.now() + 1, limit: 1000) == 200)
    }

    /// The plan of `sql` with `params`: a custom plan (made for these values), or with `generic` the plan a
    /// prepared statement settles on after a few runs, made without the values (`EXPLAIN` of a statement with
    /// parameters plans it for their values, so that plan comes from `EXPLAIN EXECUTE` of a prepared statement).
    private func explain(_ store: PostgresStore, _ sql: String, _ params: [String?], generic: Bool = false) async throws -> String {
        try await store.connection.run { db -> String in
            let result: PostgresResult
            if generic {
                _ = try db.exec("PREPARE taskq_explained AS " + sql, [], prepare: false)
                defer {
                    _ = try? db.exec("RESET plan_cache_mode", [], prepare: false)
                    _ = try? db.exec("DEALLOCATE taskq_explained", [], prepare: false)
                }
                _ = try db.exec("SET plan_cache_mode = force_generic_plan", [], prepare: false) // PostgreSQL 12+
                let values = params.map { $0.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" } ?? "NULL" }
                result = try db.exec("EXPLAIN EXECUTE taskq_explained(\(values.joined(separator: ", ")))", [], prepare: false)
            } else {
                result = try db.exec("EXPLAIN " + sql, params, prepare: false)
            }
            return (0..<result.rowCount).map { result.string($0, 0) }.joined(separator: "\n")
        }
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
            let result = try db.exec("SELECT current_setting('enable_seqscan') || current_setting('enable_bitmapscan') || current_setting('enable_sort')", [], prepare: false)
            return result.string(0, 0)
        }
        #expect(settings == "offoffoff")
    }
}
