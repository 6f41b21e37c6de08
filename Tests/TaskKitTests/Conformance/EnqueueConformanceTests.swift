import Testing
@testable import TaskKit

@Suite("Conformance: enqueue, get, list, counts")
struct EnqueueConformanceTests {
    @Test(arguments: Backend.allCases)
    func enqueueRoundTripsEveryField(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        var job = newJob("report", task: "echo", queue: "mail", priority: 8, maxRetries: 2, args: .obj(("to", .string("ops"))))
        job.timeoutMillis = 30_000
        job.retryPolicy = RetryPolicy(backoff: .linear, baseDelayMillis: 2_000)
        job.uniqueKey = "report-1"
        let result = try await store.enqueue([job], now: t0)
        #expect(result.count == 1 && result[0].created)
        let stored = try #require(try await store.job(id: result[0].id))
        #expect(stored.name == "report" && stored.task == "echo" && stored.queue == "mail" && stored.priority == 8)
        #expect(stored.args == .obj(("to", .string("ops"))))
        #expect(stored.state == .pending && stored.attempt == 0 && stored.maxRetries == 2)
        #expect(stored.retryPolicy.backoff == .linear && stored.retryPolicy.baseDelayMillis == 2_000)
        #expect(stored.timeoutMillis == 30_000 && stored.uniqueKey == "report-1")
        #expect(stored.runAt == t0 && stored.createdAt == t0 && stored.startedAt == nil && stored.worker == nil)
        #expect(try await store.job(id: result[0].id + 1000) == nil)
    }

    /// `Job(created:id:now:)` (the API answers with it instead of reading the job back) is what the store holds.
    @Test(arguments: Backend.allCases)
    func aCreatedJobIsWhatTheStoreHolds(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        var full = newJob("report", task: "echo", queue: "mail", priority: 8, maxRetries: 2,
                          args: .obj(("zeta", .number("1.50")), ("alpha", .array([.string("x"), .null, .bool(true)]))))
        full.timeoutMillis = 30_000
        full.retryPolicy = RetryPolicy(backoff: .linear, baseDelayMillis: 2_000)
        full.uniqueKey = "made-1"
        let jobs = [full, newJob("later", runAt: t0 + 60_000), newJob("past", runAt: t0 - 5)]
        let results = try await store.enqueue(jobs, now: t0)
        for (result, new) in zip(results, jobs) {
            var made = Job(created: new, id: result.id, now: t0)
            let stored = try #require(try await store.job(id: result.id))
            #expect(made.args.sortedKeys() == stored.args.sortedKeys())
            made.args = stored.args
            #expect(made == stored)
        }
    }

    @Test(arguments: Backend.allCases)
    func futureRunAtIsScheduled(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let ids = try await store.enqueue([newJob(runAt: t0 + 60_000), newJob(runAt: t0 - 1)], now: t0)
        #expect(try await store.job(id: ids[0].id)?.state == .scheduled)
        #expect(try await store.job(id: ids[1].id)?.state == .pending)
    }

    @Test(arguments: Backend.allCases)
    func uniqueKeyReturnsTheLiveJob(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let first = try await store.enqueue([newJob(uniqueKey: "k")], now: t0)[0]
        let again = try await store.enqueue([newJob(uniqueKey: "k"), newJob(uniqueKey: "other")], now: t0)
        #expect(again[0] == EnqueueResult(id: first.id, created: false))
        #expect(again[1].created && again[1].id != first.id)
        // Once the job finishes the key is free again.
        let claimed = try await store.claim(queues: ["default"], limit: 10, worker: "w", now: t0, leaseUntil: t0 + 1000)
        let owned = claimed.first { $0.id == first.id }!
        _ = try await store.finish([JobOutcome(jobID: owned.id, attempt: owned.attempt, worker: "w", kind: .completed(result: .null))], now: t0)
        let third = try await store.enqueue([newJob(uniqueKey: "k")], now: t0)[0]
        #expect(third.created && third.id != first.id)
    }

    /// A key repeated inside one batch: the first job with it is created, the later ones return its id; a key a
    /// live job already holds returns that job for every repeat.
    @Test(arguments: Backend.allCases)
    func uniqueKeyRepeatedInsideOneBatch(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let held = try await store.enqueue([newJob("held", uniqueKey: "old")], now: t0)[0]
        let batch = [newJob("a", uniqueKey: "k"), newJob("b"), newJob("c", uniqueKey: "k"), newJob("d", uniqueKey: "old"),
                     newJob("e", uniqueKey: "other"), newJob("f", uniqueKey: "old"), newJob("g", uniqueKey: "k")]
        let results = try await store.enqueue(batch, now: t0)
        #expect(results.map(\.created) == [true, true, false, false, true, false, false])
        #expect(results[2].id == results[0].id && results[6].id == results[0].id)
        #expect(results[3].id == held.id && results[5].id == held.id)
        let created = [results[0].id, results[1].id, results[4].id]
        #expect(created == created.sorted() && Set(created).count == 3, "created in batch order: \(created)")
        #expect(try await store.job(id: results[0].id)?.name == "a")
        #expect(try await store.job(id: results[4].id)?.name == "e")
        #expect(try await store.counts().reduce(0) { $0 + $1.count } == 4)
    }

    /// Batches larger than one insert statement (SQLite: 128 rows; PostgreSQL copies 128 or more), with and without
    /// unique keys and with values that need escaping: ids ascend in input order, every field round-trips, the
    /// counts match.
    @Test(arguments: Backend.allCases)
    func largeBatchesKeepOrderFieldsAndCounts(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let awkward = #"tab\t back\\slash \N "quote" é ✓ 'x' {} [] \."#
        func make(_ i: Int, keys: Bool) -> NewJob {
            var job = newJob("\(awkward) \(i)", task: i % 3 == 0 ? "echo" : "noop", queue: i % 2 == 0 ? "q:a" : "q.b",
                             priority: i % 11, maxRetries: i % 4, runAt: i % 5 == 0 ? t0 + 60_000 : nil,
                             uniqueKey: keys && i % 7 == 0 ? "key-\(i % 14)" : nil,
                             args: .obj(("i", .int(Int64(i))), ("text", .string("line\nnext\ttab\\ \(awkward)"))))
            if i % 6 == 0 { job.timeoutMillis = Int64(i + 1) * 1_000 }
            job.retryPolicy = RetryPolicy(backoff: i % 2 == 0 ? .fixed : .exponential, baseDelayMillis: Int64(i))
            return job
        }
        for (count, keys) in [(700, false), (601, true), (129, false), (127, false)] {
            let jobs = (0..<count).map { make($0, keys: keys) }
            let results = try await store.enqueue(jobs, now: t0)
            #expect(results.count == count)
            let created = results.filter(\.created).map(\.id)
            #expect(created == created.sorted() && Set(created).count == created.count, "\(count): ids ascend in order")
            if keys {
                #expect(created.count == count - (0..<count).filter { $0 % 7 == 0 }.count + 2, "\(count): two keys, each once")
            } else {
                #expect(created.count == count)
            }
            for (index, result) in results.enumerated() where result.created && (index % 97 == 0 || index == count - 1) {
                let stored = try #require(try await store.job(id: result.id))
                var made = Job(created: jobs[index], id: result.id, now: t0)
                #expect(made.args.sortedKeys() == stored.args.sortedKeys(), "\(count) #\(index)")
                made.args = stored.args
                #expect(made == stored, "\(count) #\(index)")
            }
        }
        let truth = try await CountsConformanceTests.truth(store)
        let reported = try await CountsConformanceTests.reported(store)
        #expect(reported == truth)
    }

    @Test(arguments: Backend.allCases)
    func listFiltersPagesAndOrdersNewestFirst(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        var jobs: [NewJob] = []
        for i in 0..<10 { jobs.append(newJob("j\(i)", task: i % 2 == 0 ? "echo" : "noop", queue: i < 5 ? "a" : "b")) }
        let ids = try await store.enqueue(jobs, now: t0).map(\.id)
        let all = try await store.list(JobFilter(limit: 100))
        #expect(all.map(\.id) == ids.reversed())
        #expect(try await store.list(JobFilter(queue: "a", limit: 100)).count == 5)
        #expect(try await store.list(JobFilter(task: "echo", limit: 100)).allSatisfy { $0.task == "echo" })
        let page1 = try await store.list(JobFilter(limit: 4))
        let page2 = try await store.list(JobFilter(limit: 4, beforeID: page1.last!.id))
        #expect(page1.count == 4 && page2.count == 4 && page2.first!.id < page1.last!.id)
        _ = try await store.cancel(id: ids[0], now: t0)
        #expect(try await store.list(JobFilter(states: [.cancelled], limit: 100)).map(\.id) == [ids[0]])
    }

    @Test(arguments: Backend.allCases)
    func countsByQueueAndState(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob(queue: "a"), newJob(queue: "a"), newJob(queue: "b"), newJob(queue: "b", runAt: t0 + 5000)], now: t0)
        _ = try await store.claim(queues: ["a"], limit: 1, worker: "w", now: t0, leaseUntil: t0 + 1000)
        let counts = try await store.counts()
        func count(_ q: String, _ s: JobState) -> Int { counts.first { $0.queue == q && $0.state == s }?.count ?? 0 }
        #expect(count("a", .pending) == 1 && count("a", .running) == 1)
        #expect(count("b", .pending) == 1 && count("b", .scheduled) == 1)
        #expect(counts.reduce(0) { $0 + $1.count } == 4)
    }

    @Test(arguments: Backend.allCases)
    func purgeDeletesOnlyOldFinishedJobsWithHistory(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let ids = try await store.enqueue([newJob(), newJob(), newJob()], now: t0).map(\.id)
        let claimed = try await store.claim(queues: ["default"], limit: 2, worker: "w", now: t0, leaseUntil: t0 + 1000)
        _ = try await store.finish(claimed.map { JobOutcome(jobID: $0.id, attempt: 1, worker: "w", kind: .completed(result: .null)) }, now: t0 + 10)
        #expect(try await store.purge(states: JobState.finished, finishedBefore: t0 + 5, limit: 100) == 0)
        #expect(try await store.purge(states: JobState.finished, finishedBefore: t0 + 20, limit: 100) == 2)
        #expect(try await store.job(id: claimed[0].id) == nil)
        #expect(try await store.attempts(jobID: claimed[0].id).isEmpty)
        #expect(try await store.job(id: ids[2])?.state == .pending)
    }

    /// One enqueue call of many jobs (the size `create-job --from-file` and `POST /api/v1/jobs/bulk` send, past the
    /// chunks a Redis script writes its indexes in) across queues, tasks, priorities and states, with unique keys
    /// repeated inside the batch and held by a live job before it: every job is written, its indexes, counts and
    /// ready order agree with the jobs, and each repeated key returns the live job's id. One claim then takes all
    /// ~4,800 due jobs (more values than Lua's `unpack` takes at once: Redis scripts write them in chunks).
    @Test(arguments: Backend.allCases)
    func aLargeMixedBatchIsWrittenWhole(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let held = try await store.enqueue([newJob("held", uniqueKey: "u-held")], now: t0)[0]
        var jobs: [NewJob] = []
        for i in 0..<6_000 {
            var job = newJob("b\(i)", task: i % 3 == 0 ? "echo" : "noop", queue: i % 4 == 0 ? "q:a" : "q-b", priority: i % 11,
                             runAt: i % 5 == 0 ? t0 + 60_000 + Millis(i) : nil,
                             args: .obj(("text", .string("line\nwith = and | and \u{e9}")), ("i", .int(Int64(i)))))
            if i % 1_000 == 7 { job.uniqueKey = "u-\(i / 2_000)" }   // 7 and 1007 share u-0, and so on
            if i == 4_321 { job.uniqueKey = "u-held" }
            if i % 7 == 0 { job.timeoutMillis = Millis(1_000 + i) }
            jobs.append(job)
        }
        let results = try await store.enqueue(jobs, now: t0)
        #expect(results.count == jobs.count)
        var firstHolder: [String: Int64] = [:]
        var created: [Int64] = []
        for (job, result) in zip(jobs, results) {
            if job.uniqueKey == "u-held" {
                #expect(result == EnqueueResult(id: held.id, created: false))
            } else if let key = job.uniqueKey, let holder = firstHolder[key] {
                #expect(result == EnqueueResult(id: holder, created: false))
            } else {
                #expect(result.created)
                if let key = job.uniqueKey { firstHolder[key] = result.id }
                created.append(result.id)
            }
        }
        #expect(Set(created).count == created.count && created == created.sorted())
        // Every created job holds what was sent.
        for (job, result) in zip(jobs, results) where result.created && (result.id % 97 == 0 || job.uniqueKey != nil) {
            let stored = try #require(try await store.job(id: result.id))
            #expect(stored.name == job.name && stored.task == job.task && stored.queue == job.queue && stored.priority == job.priority)
            #expect(stored.args.sortedKeys() == job.args.sortedKeys() && stored.timeoutMillis == job.timeoutMillis && stored.uniqueKey == job.uniqueKey)
            #expect(stored.state == (job.runAt == nil ? .pending : .scheduled) && stored.attemptOffset == 0 && !stored.cancelRequested)
        }
        // Counts, listings by state, queue and task all see the same jobs.
        let made = zip(jobs, results).filter { $0.1.created }.map(\.0)
        let counts = try await store.counts()
        func count(_ q: String, _ s: JobState) -> Int { counts.first { $0.queue == q && $0.state == s }?.count ?? 0 }
        for q in ["q:a", "q-b"] {
            #expect(count(q, .pending) == made.filter { $0.queue == q && $0.runAt == nil }.count)
            #expect(count(q, .scheduled) == made.filter { $0.queue == q && $0.runAt != nil }.count)
            #expect(try await store.list(JobFilter(queue: q, limit: 10_000)).count == made.filter { $0.queue == q }.count)
        }
        #expect(try await store.list(JobFilter(task: "echo", limit: 10_000)).count == made.filter { $0.task == "echo" }.count)
        #expect(try await store.list(JobFilter(states: [.scheduled], limit: 10_000)).count == made.filter { $0.runAt != nil }.count)
        #expect(try await store.list(JobFilter(limit: 10_000)).count == made.count + 1)
        // Claims take the due jobs in priority order, then enqueue order.
        let claimed = try await store.claim(queues: ["q:a", "q-b"], limit: 10_000, worker: "w", now: t0, leaseUntil: t0 + 1000)
        let due = zip(jobs, results).filter { $0.1.created && $0.0.runAt == nil }
            .sorted { ($0.0.priority, -$0.1.id) > ($1.0.priority, -$1.1.id) }.map(\.1.id)
        #expect(claimed.map(\.id) == due)
    }

    /// Numbers in arguments come back digit for digit on every backend (PostgreSQL's jsonb keeps numeric digits).
    @Test(arguments: Backend.allCases)
    func argumentNumbersRoundTripExactly(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let args = try JSONValue.parse(#"{"n":[1.0,12345678901234567890123,-0.000001,1.5e3,1.50,9007199254740993]}"#)
        let id = try await store.enqueue([newJob(args: args)], now: t0)[0].id
        let stored = try #require(try await store.job(id: id)).args
        #expect(stored["n"]?.serialized() == "[1.0,12345678901234567890123,-0.000001,1500,1.50,9007199254740993]")
    }
}

extension JSONValue {
    /// The same value with every object's keys in sorted order (for comparing across stores that reorder them).
    func sortedKeys() -> JSONValue {
        switch self {
        case let .object(pairs): return .object(pairs.map { ($0.0, $0.1.sortedKeys()) }.sorted { $0.0 < $1.0 })
        case let .array(items): return .array(items.map { $0.sortedKeys() })
        default: return self
        }
    }
}
