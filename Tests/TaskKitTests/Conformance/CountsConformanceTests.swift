import Testing
import TaskqMigrations
@testable import TaskKit

/// `counts()` is kept by the store (SQL triggers, Redis's counts hash) rather than counted on each read; it must
/// equal a count of the jobs themselves after every kind of change, and after many changes made at once by several
/// connections. Every backend.
@Suite("Conformance: job counts and listings")
struct CountsConformanceTests {
    /// The ground truth: every job read through `list`, counted by queue and state.
    static func truth(_ store: TaskqStore) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        var before: Int64?
        while true {
            let page = try await store.list(JobFilter(limit: 1000, beforeID: before))
            for job in page { counts["\(job.queue)|\(job.state.rawValue)", default: 0] += 1 }
            guard page.count == 1000, let last = page.last else { return counts }
            before = last.id
        }
    }

    /// `counts()` as the same map; a zero count must not be reported at all.
    static func reported(_ store: TaskqStore) async throws -> [String: Int] {
        let rows = try await store.counts()
        #expect(rows.allSatisfy { $0.count > 0 }, "zero counts are omitted: \(rows)")
        var counts: [String: Int] = [:]
        for row in rows { counts["\(row.queue)|\(row.state.rawValue)", default: 0] += row.count }
        #expect(counts.count == rows.count, "one row per queue and state")
        return counts
    }

    func expectCounts(_ store: TaskqStore, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let truth = try await Self.truth(store)
        let reported = try await Self.reported(store)
        #expect(reported == truth, "after \(step)", sourceLocation: sourceLocation)
    }

    @Test(arguments: Backend.allCases)
    func countsFollowEveryTransition(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        try await expectCounts(store, "nothing")

        // Enqueue: pending and scheduled, two queues, unique keys (a duplicate live key adds nothing).
        _ = try await store.enqueue([newJob("p1", queue: "a"), newJob("p2", queue: "a", priority: 9, maxRetries: 1), newJob("p3", queue: "a", maxRetries: 0),
                                     newJob("p4", queue: "a"), newJob("s1", queue: "a", runAt: t0 + 50_000),
                                     newJob("s2", queue: "b", runAt: t0 + 60_000), newJob("b1", queue: "b")], now: t0)
        _ = try await store.enqueue([newJob("u1", queue: "u", uniqueKey: "k1"), newJob("u2", queue: "u", uniqueKey: "k2")], now: t0)
        let duplicate = try await store.enqueue([newJob("u1 again", queue: "u", uniqueKey: "k1"), newJob("u3", queue: "u", uniqueKey: "k3")],
                                                now: t0 + 1)
        #expect(duplicate.map(\.created) == [false, true])
        try await expectCounts(store, "enqueue")
        // A batch as large as a file's (PostgreSQL copies it): pending and scheduled jobs in two queues.
        _ = try await store.enqueue((0..<300).map { i in
            newJob("bulk \(i)", queue: i % 2 == 0 ? "bulk" : "bulk2", runAt: i % 3 == 0 ? t0 + 70_000 : nil)
        }, now: t0 + 2)
        try await expectCounts(store, "a bulk enqueue")

        // Claim, heartbeat (no move), complete, fail with a retry left, fail for good.
        let claimed = try await store.claim(queues: ["a"], limit: 3, worker: "w", now: t0 + 10, leaseUntil: t0 + 1_000)
        #expect(claimed.map(\.name) == ["p2", "p1", "p3"])
        try await expectCounts(store, "claim")
        _ = try await store.heartbeat(jobIDs: claimed.map(\.id), worker: "w", now: t0 + 20, leaseUntil: t0 + 2_000)
        try await expectCounts(store, "heartbeat")
        let reply = try await store.finish([
            JobOutcome(job: claimed[1], worker: "w", kind: .completed(result: .null)),
            JobOutcome(job: claimed[0], worker: "w", kind: .retry(error: "boom", runAt: t0 + 100, outcome: .failed)),
            JobOutcome(job: claimed[2], worker: "w", kind: .failed(error: "boom", outcome: .failed)),
        ], now: t0 + 30)
        #expect(reply.applied.count == 3)
        try await expectCounts(store, "finish: completed, retrying, failed")

        // The retrying job runs again and fails for good; a stale outcome for it changes nothing.
        let again = try #require(try await store.claim(queues: ["a"], limit: 1, worker: "w", now: t0 + 100, leaseUntil: t0 + 1_000).first)
        #expect(again.name == "p2")
        _ = try await store.finish([JobOutcome(job: again, worker: "w", kind: .failed(error: "boom", outcome: .failed))], now: t0 + 110)
        _ = try await store.finish([JobOutcome(job: again, worker: "w", kind: .completed(result: .null))], now: t0 + 111)
        try await expectCounts(store, "retrying → running → failed")

        // Cancel: a waiting job at once, a running one only flagged (no move until its worker stops), a finished one
        // not at all.
        let running = try #require(try await store.claim(queues: ["u"], limit: 1, worker: "w", now: t0 + 120, leaseUntil: t0 + 1_000).first)
        #expect(try await store.cancel(id: running.id, now: t0 + 121) == .cancelRequested)
        let waiting = try #require(try await store.list(JobFilter(states: [.pending], queue: "b")).first)
        #expect(try await store.cancel(id: waiting.id, now: t0 + 122) == .cancelled)
        #expect(try await store.cancel(id: claimed[1].id, now: t0 + 123) == .notCancellable(.completed))
        try await expectCounts(store, "cancel")
        _ = try await store.finish([JobOutcome(job: running, worker: "w",
                                               kind: .cancelled(error: "stopped", outcome: .cancelled, result: nil))], now: t0 + 124)
        try await expectCounts(store, "cancelled while running")

        // Retry: finished jobs and a scheduled one become pending; a pending one is refused; a finished job whose
        // key is live again stays.
        #expect(try await store.retry(id: claimed[2].id, now: t0 + 130) == .retried)
        #expect(try await store.retry(id: claimed[1].id, now: t0 + 131, from: JobState.rerunnable) == .retried)
        let scheduled = try #require(try await store.list(JobFilter(states: [.scheduled], queue: "b")).first)
        #expect(try await store.retry(id: scheduled.id, now: t0 + 132) == .retried)
        #expect(try await store.retry(id: claimed[2].id, now: t0 + 133) == .notRetryable(.pending))
        _ = try await store.enqueue([newJob("u1 new", queue: "u", uniqueKey: running.uniqueKey)], now: t0 + 134)
        if case .uniqueKeyHeld = try await store.retry(id: running.id, now: t0 + 135) {} else { Issue.record("the key is held") }
        try await expectCounts(store, "retry")

        // Rescue: expired leases go back to retrying, or to failed without retries left; a released job is pending.
        _ = try await store.enqueue([newJob("r1", queue: "r", maxRetries: 1), newJob("r2", queue: "r", maxRetries: 0),
                                     newJob("r3", queue: "r")], now: t0 + 140)
        let leased = try await store.claim(queues: ["r"], limit: 3, worker: "gone", now: t0 + 141, leaseUntil: t0 + 200)
        #expect(leased.count == 3)
        _ = try await store.finish([JobOutcome(job: leased[2], worker: "gone", kind: .released)], now: t0 + 150)
        #expect(try await store.rescueExpired(now: t0 + 201, limit: 10).count == 2)
        try await expectCounts(store, "rescue and release")

        // A schedule fires: one more pending job.
        _ = try await store.addSchedule(name: "s", definition: try scheduleJSON("* * * * *"), now: t0)
        let mark = try #require(try await store.schedules().first { $0.name == "s" }).mark
        let fired = try await store.fireSchedule(name: "s", tick: t0 + 60_000, seen: mark, job: newJob("s", queue: "sched", runAt: t0 + 60_000),
                                                 now: t0 + 60_001)
        guard case .fired = fired else { Issue.record("not fired: \(fired)"); return }
        try await expectCounts(store, "schedule fire")

        // Purge: finished jobs go, and with them their counts; states with no job left are not reported.
        let purged = try await Maintenance.purge(store: store, states: [.completed, .failed, .cancelled], finishedBefore: t0 + 1_000_000,
                                                 batchSize: 2)
        #expect(purged > 0)
        try await expectCounts(store, "purge")
        #expect(try await store.counts().allSatisfy { !$0.state.isFinished })

        // Drain everything that is left, then purge: nothing is reported.
        var now = t0 + 2_000_000
        while true {
            let batch = try await store.claim(queues: ["a", "b", "u", "r", "sched", "bulk", "bulk2"], limit: 50, worker: "w", now: now, leaseUntil: now + 1_000)
            if batch.isEmpty { break }
            _ = try await store.finish(batch.map { JobOutcome(job: $0, worker: "w", kind: .completed(result: .null)) }, now: now + 1)
            now += 10
        }
        try await expectCounts(store, "drain")
        _ = try await Maintenance.purge(store: store, states: [.completed], finishedBefore: now + 1, batchSize: 1000)
        #expect(try await store.counts().isEmpty)
        #expect(try await Self.truth(store).isEmpty)
    }

    /// Several connections (workers and enqueuers on other hosts) change jobs at the same time; counts are exact
    /// once they are done, and stay exact when PostgreSQL folds the counter rows of connections that closed.
    @Test(arguments: Backend.allCases)
    func countsStayExactUnderConcurrentChanges(backend: Backend) async throws {
        let location = try await backend.makeLocation()
        let observer = try await location.migrated()
        let queues = ["c1", "c2", "c3"]
        let enqueuers = 3, workers = 4, jobsPerEnqueuer = 150
        let stores = try await withThrowingTaskGroup(of: TaskqStore.self) { group in
            for _ in 0..<(enqueuers + workers) { group.addTask { try await location.open() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for e in 0..<enqueuers {
                let store = stores[e]
                group.addTask {
                    for i in 0..<jobsPerEnqueuer {
                        let queue = queues[(e + i) % queues.count]
                        // Some with unique keys shared between enqueuers, some due later, some failing.
                        let key: String? = i % 5 == 0 ? "key-\(i % 20)" : nil
                        let runAt: Millis? = i % 7 == 0 ? t0 + 10_000_000 : nil
                        let job = newJob("e\(e)-\(i)", task: i % 3 == 0 ? "fail" : "noop", queue: queue, maxRetries: 1, runAt: runAt,
                                         uniqueKey: key)
                        // PostgreSQL asks for another try when the live job holding the key finished meanwhile.
                        for attempt in 1...10 {
                            do {
                                _ = try await store.enqueue([job], now: t0 + Millis(i))
                                break
                            } catch TaskqError.temporary(_) where attempt < 10 {}
                        }
                    }
                }
            }
            for w in 0..<workers {
                let store = stores[enqueuers + w]
                group.addTask {
                    var idle = 0, actions = 0, rounds = 0
                    var now = t0
                    while idle < 20 && rounds < 5_000 {
                        rounds += 1
                        now += 1
                        let jobs = try await store.claim(queues: queues, limit: 5, worker: "w\(w)", now: now + 1_000_000, leaseUntil: now + 9_000_000)
                        if jobs.isEmpty { idle += 1; try await Task.sleep(nanoseconds: 2_000_000); continue }
                        idle = 0
                        _ = try await store.heartbeat(jobIDs: jobs.map(\.id), worker: "w\(w)", now: now, leaseUntil: now + 9_000_000)
                        let outcomes = jobs.map { job -> JobOutcome in
                            if job.task == "fail" {
                                return JobOutcome(job: job, worker: "w\(w)", kind: job.attempt <= job.maxRetries
                                                  ? .retry(error: "boom", runAt: now, outcome: .failed) : .failed(error: "boom", outcome: .failed))
                            }
                            return JobOutcome(job: job, worker: "w\(w)", kind: .completed(result: .null))
                        }
                        _ = try await store.finish(outcomes, now: now + 1_000_000)
                        // Operators meanwhile: cancel and retry a few, purge some finished ones.
                        if actions < 10, let first = jobs.first, first.id % 4 == 0 {
                            actions += 1
                            _ = try await store.retry(id: first.id, now: now + 1_000_000)
                            _ = try await store.cancel(id: first.id + 1, now: now + 1_000_000)
                            _ = try await store.purge(states: [.cancelled], finishedBefore: t0 + 10_000_000_000, limit: 3)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let total = try await Self.truth(observer).values.reduce(0, +)
        #expect(total > 0)
        try await expectCounts(observer, "concurrent enqueues, claims, outcomes, cancels, retries and purges")

        // The connections that made the changes close; their counter rows are folded (PostgreSQL) without any count
        // changing. Their server processes end a moment after the close, so the fold is tried a few times.
        for store in stores { await store.close() }
        if let postgres = observer as? PostgresStore {
            var folded = 0
            for _ in 0..<50 where folded == 0 {
                folded = try await postgres.foldJobCounts()
                if folded == 0 { try await Task.sleep(nanoseconds: 100_000_000) }
            }
            #expect(folded > 0)
        }
        try await expectCounts(observer, "closing the connections")
    }

    /// Listing by one or several states (with queue, task and paging) gives exactly the matching jobs, newest first.
    @Test(arguments: Backend.allCases)
    func listingByStatesPagesNewestFirst(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue((0..<40).map { i in
            newJob("j\(i)", task: i % 3 == 0 ? "echo" : "noop", queue: i % 2 == 0 ? "x" : "y", runAt: i % 11 == 0 ? t0 + 1_000_000 : nil)
        }, now: t0)
        var now = t0 + 1
        for round in 0..<6 {
            let batch = try await store.claim(queues: ["x", "y"], limit: 5, worker: "w", now: now, leaseUntil: now + 1_000)
            _ = try await store.finish(batch.enumerated().map { i, job in
                JobOutcome(job: job, worker: "w", kind: (i + round) % 3 == 0 ? .failed(error: "e", outcome: .failed) : .completed(result: .null))
            }, now: now)
            now += 1
        }
        for job in try await store.list(JobFilter(states: [.pending], limit: 3)) { _ = try await store.cancel(id: job.id, now: now) }
        // Jobs left running too: SQLite lists them through their own index and merges them with the other states
        // (migration 0009).
        #expect(try await store.claim(queues: ["x", "y"], limit: 3, worker: "w2", now: now, leaseUntil: now + 1_000).count == 3)
        let all = try await store.list(JobFilter(limit: 1000))
        #expect(all.filter { $0.state == .running }.count == 3)
        let stateSets: [[JobState]] = [[.completed], [.failed], [.pending, .failed], [.failed, .completed, .cancelled], [.running, .retrying],
                                       [.running], [.running, .running], [.completed, .running], [.running, .pending, .failed],
                                       JobState.allCases]
        for states in stateSets {
            for queue in [nil, "x"] as [String?] {
                for task in [nil, "echo"] as [String?] {
                    let expected = all.filter { states.contains($0.state) && (queue == nil || $0.queue == queue) && (task == nil || $0.task == task) }
                    var paged: [Int64] = []
                    var before: Int64?
                    while true {
                        let page = try await store.list(JobFilter(states: states, queue: queue, task: task, limit: 4, beforeID: before))
                        paged += page.map(\.id)
                        guard page.count == 4, let last = page.last else { break }
                        before = last.id
                    }
                    #expect(paged == expected.map(\.id), "states \(states), queue \(queue ?? "-"), task \(task ?? "-")")
                }
            }
        }
    }

    /// A PostgreSQL store one migration behind (before 0011 its insert trigger counts every insert) refuses to
    /// enqueue rather than count the jobs twice, also when TaskKit is used as a library without a command's check.
    @Test func postgresBehindMigration0011RefusesToEnqueue() async throws {
        let location = try await Backend.postgres.makeLocation()
        let store = try #require(try await location.open(create: true) as? PostgresStore)
        let schema = store.target.quotedSchema
        try await store.connection.run { db in
            try db.exec("CREATE SCHEMA \(schema)", [], prepare: false)
            _ = try SQLMigrations.apply(Array(MigrationCatalog.postgres.prefix(10)), on: db, now: t0)
        }
        do {
            _ = try await store.enqueue([newJob("early")], now: t0)
            Issue.record("enqueued on a schema behind the binary")
        } catch let error as TaskqError {
            #expect(error.exitCode == 69 && error.description.contains("taskq migrate"), "\(error)")
        }
        #expect(try await store.migrate(now: t0).map(\.version) == [11])
        _ = try await store.enqueue([newJob("after")], now: t0)
        try await expectCounts(store, "enqueue after the upgrade")
    }

    /// Migration 0007 on a database that already has jobs counts them; afterwards writers that change jobs with plain
    /// SQL (an older taskq during an upgrade, a shell) keep the counts right through the schema's triggers, beside
    /// taskq's own changes (which SQLite records without triggers, as PostgreSQL does its inserts). The SQL backends.
    @Test(arguments: [Backend.sqlite, .postgres])
    func upgradeCountsExistingJobsAndTriggersCountOtherWriters(backend: Backend) async throws {
        let location = try await backend.makeLocation()
        let store = try await location.open(create: true)
        // A schema at version 6 with jobs in it.
        let statements: (_ through6: Bool, _ sql: [String]) async throws -> Void
        if let postgres = store as? PostgresStore {
            let schema = postgres.target.quotedSchema
            statements = { through6, sql in
                try await postgres.connection.run { db in
                    if through6 {
                        try db.exec("CREATE SCHEMA \(schema)", [], prepare: false)
                        _ = try SQLMigrations.apply(Array(MigrationCatalog.postgres.prefix(6)), on: db, now: t0)
                    }
                    // As any other program's session: without the setting by which taskq's inserts count themselves
                    // (migration 0011), so the trigger counts them.
                    try db.exec("SELECT set_config('taskq.inserts_counted', '', false)", [], prepare: false)
                    for statement in sql { try db.exec(statement, [], prepare: false) }
                    try db.exec("SELECT set_config('taskq.inserts_counted', 'on', false)", [], prepare: false)
                }
            }
        } else {
            // Another connection, with triggers on as any other program's would be.
            let raw = try await SQLiteConnection.open(path: String(location.url.dropFirst("sqlite:".count)), create: false)
            try await raw.run { db in try db.enableTriggers(true) }
            statements = { through6, sql in
                try await raw.run { db in
                    try db.writeTransaction {
                        if through6 { _ = try SQLMigrations.apply(Array(MigrationCatalog.sqlite.prefix(6)), on: db, now: t0) }
                        for statement in sql { try db.execute(statement) }
                    }
                }
            }
        }
        func insert(_ name: String, _ queue: String, _ state: String) -> String {
            "INSERT INTO taskq_jobs (name, task, queue, state, run_at, created_at) VALUES ('\(name)', 'noop', '\(queue)', '\(state)', 0, 0)"
        }
        try await statements(true, [insert("a", "q1", "pending"), insert("b", "q1", "pending"), insert("c", "q1", "completed"),
                                    insert("d", "q2", "failed"), insert("e", "q2", "scheduled")])
        #expect(try await store.migrate(now: t0).map(\.version).first == 7)
        try await expectCounts(store, "migration 0007 on existing jobs")

        // taskq's own changes and plain SQL, interleaved.
        _ = try await store.enqueue([newJob("f", queue: "q1"), newJob("g", queue: "q3")], now: t0)
        try await statements(false, [
            "UPDATE taskq_jobs SET state = 'completed', finished_at = 1 WHERE name IN ('a', 'f')",
            "UPDATE taskq_jobs SET queue = 'q3' WHERE name = 'b'",
            "UPDATE taskq_jobs SET lease_until = 5",
            "DELETE FROM taskq_jobs WHERE name IN ('c', 'd')",
            insert("h", "q2", "running"),
        ])
        try await expectCounts(store, "plain SQL changes")
        let claimed = try await store.claim(queues: ["q1", "q2", "q3"], limit: 10, worker: "w", now: t0, leaseUntil: t0 + 1_000)
        _ = try await store.finish(claimed.map { JobOutcome(job: $0, worker: "w", kind: .completed(result: .null)) }, now: t0 + 1)
        _ = try await store.purge(states: [.completed], finishedBefore: t0 + 2, limit: 100)
        try await expectCounts(store, "taskq's changes after plain SQL")
        if store is PostgresStore {
            try await statements(false, ["TRUNCATE taskq_jobs CASCADE"])
            #expect(try await store.counts().isEmpty)
        }
    }
}
