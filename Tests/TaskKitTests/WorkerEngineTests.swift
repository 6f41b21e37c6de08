import Foundation
import Logging
import Testing
import TaskqTestSupport
@testable import TaskKit

@Suite("Engine: the worker over every backend")
struct WorkerEngineTests {
    static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()

    func options(_ configure: (inout WorkerOptions) -> Void = { _ in }) -> WorkerOptions {
        var options = WorkerOptions()
        options.pollIntervalMillis = 50
        options.leaseMillis = 2_000
        options.killGraceMillis = 500
        options.gracePeriodMillis = 2_000
        configure(&options)
        return options
    }

    func waitUntil(_ seconds: Double = 20, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        Issue.record("condition not met within \(seconds)s")
    }

    @Test(arguments: Backend.allCases)
    func burstRunsEverythingInPriorityOrder(backend: Backend) async throws {
        // The handler records the order it runs jobs in (one at a time), so the test does not depend on start times
        // that can fall in the same millisecond. Enqueued lowest first, so FIFO alone would give the wrong order.
        struct NoArgs: Codable, Sendable {}
        let ran = TaskKit.Locked<[String]>([])
        var registry = TaskRegistry.builtins()
        registry.register("record", description: "Records the run order") { (_: NoArgs, context: JobContext) in
            ran.withLock { $0.append(context.job.name) }
            return NoArgs()
        }
        let store = try await backend.makeLocation().migrated()
        let now = Clock.now()
        _ = try await store.enqueue([newJob("low", task: "record", priority: 0), newJob("high", task: "record", priority: 9),
                                     newJob("mid", task: "record", priority: 5)], now: now)
        let summary = try await Worker(store: store, registry: registry, options: options { $0.burst = true; $0.concurrency = 1 },
                                       logger: Self.logger).run()
        #expect(summary.completed == 3)
        #expect(ran.withLock { $0 } == ["high", "mid", "low"])
        let jobs = try await store.list(JobFilter(limit: 10))
        #expect(jobs.count == 3 && jobs.allSatisfy { $0.state == .completed })
    }

    @Test(arguments: Backend.allCases)
    func failingJobRetriesWithBackoffThenFails(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        var job = newJob("flaky", task: "fail", maxRetries: 2, args: .obj(("message", .string("nope"))))
        job.retryPolicy = RetryPolicy(backoff: .fixed, baseDelayMillis: 300)
        let id = try await store.enqueue([job], now: Clock.now())[0].id
        let worker = Worker(store: store, registry: .builtins(), options: options(), logger: Self.logger)
        let run = Task { try await worker.run() }
        try await waitUntil { try await store.job(id: id)?.state == .failed }
        worker.stop()
        _ = try await run.value
        let history = try await store.attempts(jobID: id)
        #expect(history.count == 3 && history.allSatisfy { $0.error == "nope" && $0.outcome == .failed })
        // The next attempt starts no earlier than the back-off after the previous one ended (1 ms clock rounding).
        for (a, b) in zip(history, history.dropFirst()) { #expect(b.startedAt - a.finishedAt! >= 299) }
        #expect(try await store.job(id: id)?.attempt == 3)
    }

    @Test(arguments: Backend.allCases)
    func timeoutKillsTheProcessGroup(backend: Backend) async throws {
        let location = try await backend.makeLocation()
        let store = try await location.migrated()
        let marker = location.dir.path + "/survived"
        var job = newJob("slow", task: "shell", maxRetries: 0,
                         args: .obj(("command", .array(["sh", "-c", "trap '' TERM; sleep 30; touch \(marker)"].map { .string($0) }))))
        job.timeoutMillis = 500
        let id = try await store.enqueue([job], now: Clock.now())[0].id
        let worker = Worker(store: store, registry: .builtins(), options: options(), logger: Self.logger)
        let run = Task { try await worker.run() }
        try await waitUntil { try await store.job(id: id)?.state == .failed }
        worker.stop()
        _ = try await run.value
        let stored = try #require(try await store.job(id: id))
        #expect(stored.error?.hasPrefix("timed out after 500ms") == true)
        #expect(try await store.attempts(jobID: id).first?.outcome == .timeout)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test(arguments: Backend.allCases)
    func stoppedJobsLeaveNoProcessBehindAndNULBytesAreStored(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let tag = "\(Int.random(in: 100...999)).\(Int.random(in: 100...999))"
        // The leader dies on SIGTERM; its background child ignores SIGTERM and must still not outlive the attempt.
        var stuck = newJob("stuck", task: "shell", maxRetries: 0,
                           args: .obj(("command", .array(["sh", "-c", "(trap '' TERM; exec sleep \(tag)) & wait"].map { .string($0) }))))
        stuck.timeoutMillis = 300
        let binary = newJob("nul", task: "shell", args: .obj(("command", .array(["printf", "a\\000b"].map { .string($0) }))))
        let badDir = newJob("dir", task: "shell", maxRetries: 0,
                            args: .obj(("command", .array([.string("true")])), ("cwd", .string("/no/such/dir"))))
        let ids = try await store.enqueue([stuck, binary, badDir], now: Clock.now()).map(\.id)
        let worker = Worker(store: store, registry: .builtins(), options: options(), logger: Self.logger)
        let run = Task { try await worker.run() }
        try await waitUntil {
            let first = try await store.job(id: ids[0])?.state
            let second = try await store.job(id: ids[1])?.state
            return first == .failed && second == .completed
        }
        worker.stop()
        _ = try await run.value
        try await Task.sleep(nanoseconds: 300_000_000)
        let survivors = commandOutput("pgrep -f 'slee[p] \(tag)' || true")
        #expect(survivors.isEmpty, "a process of the timed-out job survived: \(survivors)")
        #expect(try await store.job(id: ids[1])?.result?["stdout"] == .string("ab"))
        #expect(try await store.job(id: ids[2])?.error?.contains("cannot run in directory /no/such/dir") == true)
    }

    @Test(arguments: Backend.allCases)
    func cancellingARunningJobStopsIt(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let id = try await store.enqueue([newJob("long", task: "sleep", args: .obj(("seconds", .int(30))))], now: Clock.now())[0].id
        let worker = Worker(store: store, registry: .builtins(), options: options(), logger: Self.logger)
        let run = Task { try await worker.run() }
        try await waitUntil { try await store.job(id: id)?.state == .running }
        #expect(try await store.cancel(id: id, now: Clock.now()) == .cancelRequested)
        try await waitUntil(10) { try await store.job(id: id)?.state == .cancelled }
        worker.stop()
        _ = try await run.value
        #expect(try await store.attempts(jobID: id).first?.outcome == .cancelled)
    }

    @Test(arguments: Backend.allCases)
    func gracefulStopFinishesOrReleasesInFlightWork(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let now = Clock.now()
        // The quick job marks its start in a file: "running" in the store only says it was claimed, and a worker
        // stopped between its claim and the job's launch rightly releases it unstarted (a fresh clone's busy run
        // once stopped there: both released).
        let started = FileManager.default.temporaryDirectory.appendingPathComponent("taskq-quick-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: started) }
        let quick = try await store.enqueue([newJob("quick", task: "shell", args: .obj(("command", .array(
            ["sh", "-c", "touch '\(started)'; sleep 0.3"].map { .string($0) }))))], now: now)[0].id
        let slow = try await store.enqueue([newJob("slow", task: "sleep", args: .obj(("seconds", .int(60))))], now: now)[0].id
        let worker = Worker(store: store, registry: .builtins(), options: options(), logger: Self.logger)  // 2 s of grace
        let run = Task { try await worker.run() }
        try await waitUntil { try await store.job(id: slow)?.state == .running && FileManager.default.fileExists(atPath: started) }
        worker.stop()
        let summary = try await run.value
        #expect(try await store.job(id: quick)?.state == .completed)
        #expect(try await store.job(id: slow)?.state == .pending)
        #expect(summary.released == 1)
    }

    /// Arguments that do not fit a handler's type are named as a user reads them, with the key's path.
    @Test func argumentMismatchesReadAsAUserWouldSayThem() throws {
        struct Port: Codable, Sendable { var port: Int }
        struct Target: Codable, Sendable { var name: String; var to: Port; var tags: [String] }
        func message(_ args: JSONValue) -> String {
            let context = JobContext(job: Job(id: 1, name: "j", task: "t", args: args, queue: "default", priority: 5, state: .running,
                                              attempt: 1, attemptOffset: 0, maxRetries: 0, retryPolicy: RetryPolicy(), timeoutMillis: nil,
                                              runAt: 0, uniqueKey: nil, result: nil, error: nil, createdAt: 0, startedAt: nil,
                                              finishedAt: nil, worker: nil, leaseUntil: nil, cancelRequested: false),
                                     logger: Self.logger)
            do { _ = try context.decodeArgs(Target.self); return "decoded" } catch { return "\(error)" }
        }
        #expect(message(.obj(("to", .obj(("port", .int(1)))), ("tags", .array([])))) == "arguments do not match Target: missing key 'name'")
        #expect(message(.obj(("name", .string("a")), ("to", .obj(("port", .string("x")))), ("tags", .array([]))))
                == "arguments do not match Target: 'to.port' must be an integer")
        #expect(message(.obj(("name", .string("a")), ("to", .obj(("port", .int(1)))), ("tags", .array([.int(3)]))))
                == "arguments do not match Target: 'tags[0]' must be a string")
    }

    @Test(arguments: Backend.allCases)
    func typedSwiftHandlersDecodeArgumentsAndEncodeResults(backend: Backend) async throws {
        struct Greeting: Codable, Sendable { var name: String }
        struct Reply: Codable, Sendable { var text: String }
        var registry = TaskRegistry.builtins()
        registry.register("greet", description: "Greets") { (args: Greeting, _: JobContext) in Reply(text: "hello \(args.name)") }
        let store = try await backend.makeLocation().migrated()
        // The second has retries left: arguments that do not fit fail it at once all the same.
        let ids = try await store.enqueue([newJob(task: "greet", args: .obj(("name", .string("ada")))),
                                           newJob(task: "greet", maxRetries: 3, args: .obj(("wrong", .int(1))))], now: Clock.now())
        _ = try await Worker(store: store, registry: registry, options: options { $0.burst = true }, logger: Self.logger).run()
        #expect(try await store.job(id: ids[0].id)?.result == .obj(("text", .string("hello ada"))))
        let bad = try #require(try await store.job(id: ids[1].id))
        #expect(bad.state == .failed && bad.error == "arguments do not match Greeting: missing key 'name'", "\(bad.error ?? "nil")")
        #expect(try await store.attempts(jobID: ids[1].id).count == 1)
        #expect(try await store.knownTasks().contains { $0.name == "greet" })
    }

    @Test(arguments: Backend.allCases)
    func maxTasksStopsAfterThatManyJobs(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue((0..<5).map { newJob("j\($0)") }, now: Clock.now())
        let summary = try await Worker(store: store, registry: .builtins(), options: options { $0.maxTasks = 3; $0.concurrency = 2 },
                                       logger: Self.logger).run()
        #expect(summary.completed == 3)
        #expect(try await store.list(JobFilter(states: [.pending], limit: 10)).count == 2)
    }

    // MARK: Prefetch (jobs claimed ahead of the free slots)

    /// A handler that holds its slot until opened.
    final class Gate: @unchecked Sendable {
        private let state = TaskKit.Locked((started: false, open: false))
        var hasStarted: Bool { state.withLock { $0.started } }
        func open() { state.withLock { $0.open = true } }
        func pass() async throws {
            state.withLock { $0.started = true }
            while !state.withLock({ $0.open }) {
                try Task.checkCancellation()
                try await Task.sleep(nanoseconds: 10_000_000)
            }
        }
    }

    struct NoArgs: Codable, Sendable {}

    /// `gate` holds its slot until opened; `quick` records its job's name and returns.
    func prefetchRegistry(gate: Gate, ran: TaskKit.Locked<[String]>) -> TaskRegistry {
        var registry = TaskRegistry.builtins()
        registry.register("gate", description: "Waits to be opened") { (_: NoArgs, _: JobContext) in
            try await gate.pass()
            return NoArgs()
        }
        registry.register("quick", description: "Records its job") { (_: NoArgs, context: JobContext) in
            ran.withLock { $0.append(context.job.name) }
            return NoArgs()
        }
        return registry
    }

    /// Three quick jobs (the worker learns its jobs are short and claims ahead: the tests' 600 s horizon makes any
    /// run short, however loaded the machine), then a gate that holds the only slot, then `behind` quick jobs of
    /// lower priority, which the worker claims into its backlog while the gate holds.
    func enqueueBehindAGate(_ store: TaskqStore, behind: Int) async throws -> (gate: Int64, behind: [Int64]) {
        let now = Clock.now()
        _ = try await store.enqueue((0..<3).map { newJob("first\($0)", task: "quick", priority: 9) }, now: now)
        let gate = try await store.enqueue([newJob("gate", task: "gate", priority: 5)], now: now)[0].id
        let ids = try await store.enqueue((0..<behind).map { newJob("behind\($0)", task: "quick", priority: 0) }, now: now).map(\.id)
        return (gate, ids)
    }

    func running(_ store: TaskqStore) async throws -> Int {
        try await store.list(JobFilter(states: [.running], limit: 100)).count
    }

    @Test(arguments: Backend.allCases)
    func prefetchedJobsAreReleasedAtOnceOnStopWithoutCountingAnAttempt(backend: Backend) async throws {
        let gate = Gate(), ran = TaskKit.Locked<[String]>([])
        let store = try await backend.makeLocation().migrated()
        let (gateID, behind) = try await enqueueBehindAGate(store, behind: 10)
        // A long grace period: on a loaded machine the checks below may take seconds, and the gate must not be
        // released for running past it.
        let worker = Worker(store: store, registry: prefetchRegistry(gate: gate, ran: ran),
                            options: options { $0.concurrency = 1; $0.backlogPatienceMillis = 60_000; $0.prefetchHorizon = 600
                                               $0.gracePeriodMillis = 60_000 }, logger: Self.logger)
        let run = Task { try await worker.run() }
        try await waitUntil { gate.hasStarted }
        try await waitUntil { try await running(store) == 11 } // the gate and its backlog: claimed, held, not started
        worker.stop()
        // Released at the stop, not after the grace period: the gate still holds its slot.
        try await waitUntil(5) { try await store.list(JobFilter(states: [.pending], limit: 100)).count == 10 }
        #expect(try await store.job(id: gateID)?.state == .running)
        for id in behind {
            let job = try #require(try await store.job(id: id))
            #expect(job.attemptsInBudget == 0)
            #expect(try await store.attempts(jobID: id).map(\.outcome) == [.released])
        }
        gate.open()
        let summary = try await run.value
        #expect(summary.completed == 4 && summary.released == 10)
        #expect(ran.withLock { $0 }.allSatisfy { $0.hasPrefix("first") })
        #expect(try await store.job(id: gateID)?.state == .completed)
    }

    @Test(arguments: Backend.allCases)
    func aCancelledPrefetchedJobEndsCancelledWithoutRunning(backend: Backend) async throws {
        let gate = Gate(), ran = TaskKit.Locked<[String]>([])
        let store = try await backend.makeLocation().migrated()
        let (_, behind) = try await enqueueBehindAGate(store, behind: 5)
        let worker = Worker(store: store, registry: prefetchRegistry(gate: gate, ran: ran),
                            options: options { $0.concurrency = 1; $0.backlogPatienceMillis = 60_000; $0.prefetchHorizon = 600 }, logger: Self.logger)
        let run = Task { try await worker.run() }
        try await waitUntil { gate.hasStarted }
        try await waitUntil { try await running(store) == 6 }
        #expect(try await store.cancel(id: behind[2], now: Clock.now()) == .cancelRequested)
        // The next heartbeat finds the request; the job ends without taking a slot (the gate still holds it).
        try await waitUntil(10) { try await store.job(id: behind[2])?.state == .cancelled }
        let attempts = try await store.attempts(jobID: behind[2])
        #expect(attempts.map(\.outcome) == [.cancelled] && attempts.first?.error == JobMessages.cancelledBeforeRun)
        gate.open()
        try await waitUntil { try await store.list(JobFilter(states: [.completed], limit: 100)).count == 8 }
        worker.stop()
        let summary = try await run.value
        #expect(summary.completed == 8 && summary.cancelled == 1)
        #expect(!ran.withLock { $0 }.contains("behind2"))
    }

    @Test(arguments: Backend.allCases)
    func aBacklogStuckBehindLongJobsIsReleasedForOtherWorkers(backend: Backend) async throws {
        let gate = Gate(), ran = TaskKit.Locked<[String]>([])
        let store = try await backend.makeLocation().migrated()
        let (_, behind) = try await enqueueBehindAGate(store, behind: 5)
        let worker = Worker(store: store, registry: prefetchRegistry(gate: gate, ran: ran),
                            options: options { $0.concurrency = 1; $0.backlogPatienceMillis = 300; $0.prefetchHorizon = 0.25 }, logger: Self.logger)
        let run = Task { try await worker.run() }
        try await waitUntil { gate.hasStarted }
        // The gate outlasts the patience: its backlog goes back to the queue, and is not claimed again while the
        // slot is taken (a 250 ms horizon: quick jobs are short, a slot held for 300 ms is not).
        try await waitUntil(10) { try await store.list(JobFilter(states: [.pending], limit: 100)).count == 5 }
        try await Task.sleep(nanoseconds: 500_000_000)
        #expect(try await store.list(JobFilter(states: [.pending], limit: 100)).count == 5)
        gate.open()
        try await waitUntil { try await store.list(JobFilter(states: [.completed], limit: 100)).count == 9 }
        worker.stop()
        _ = try await run.value
        for id in behind {
            let history = try await store.attempts(jobID: id)
            #expect(history.map(\.outcome) == [.released, .completed] && history.first?.error == JobMessages.releasedSlotsBusy)
            #expect(try await store.job(id: id)?.attemptsInBudget == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func maxTasksCountsPrefetchedJobs(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue((0..<40).map { newJob("j\($0)") }, now: Clock.now())
        let summary = try await Worker(store: store, registry: .builtins(),
                                       options: options { $0.maxTasks = 13; $0.concurrency = 2; $0.backlogPatienceMillis = 60_000 },
                                       logger: Self.logger).run()
        #expect(summary.completed == 13 && summary.released == 0)
        let pending = try await store.list(JobFilter(states: [.pending], limit: 100))
        #expect(pending.count == 27)
        for job in pending { #expect(try await store.attempts(jobID: job.id).isEmpty) } // never claimed
    }

    @Test(arguments: Backend.allCases)
    func aBurstOfShortJobsClaimedAheadRunsEachOnce(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue((0..<600).map { newJob("j\($0)", priority: $0 % 11) }, now: Clock.now())
        // Patience of a minute and a lease of a minute: a machine stalled for a second or two must not turn a backlog job
        // into a release here (a backlog job whose lease went unrenewed for 80 % of it is released, not started).
        let summary = try await Worker(store: store, registry: .builtins(),
                                       options: options { $0.burst = true; $0.concurrency = 2; $0.backlogPatienceMillis = 60_000
                                                          $0.leaseMillis = 60_000 },
                                       logger: Self.logger).run()
        #expect(summary.completed == 600 && summary.released == 0)
        let jobs = try await store.list(JobFilter(limit: 1_000))
        #expect(jobs.allSatisfy { $0.state == .completed && $0.attemptsInBudget == 1 })
    }

    /// A job given back by a rescue (its start never recorded), or lost by a worker that died running it, may kill
    /// workers as it starts. Claimed ahead again, the worker records its start before running it, so the next death
    /// counts.
    @Test(arguments: Backend.allCases)
    func aJobGivenBackBeforeHasItsStartRecordedBeforeItRuns(backend: Backend) async throws {
        struct NoArgs: Codable, Sendable {}
        let store = try await backend.makeLocation().migrated()
        let seen = TaskKit.Locked<[(claimedAhead: Bool, recorded: Bool)]>([])
        var registry = TaskRegistry.builtins()
        registry.register("probe", description: "Reads its own start as the store has it") { (_: NoArgs, context: JobContext) in
            let recorded = try await store.job(id: context.job.id)?.startedAt != nil
            seen.withLock { $0.append((context.job.startedAt == nil, recorded)) }
            return NoArgs()
        }
        let now = Clock.now()
        // Short jobs first, so the worker claims ahead of its one slot by the time it reaches the probes.
        _ = try await store.enqueue((0..<300).map { newJob("n\($0)", priority: 9) }, now: now)
        let probes = try await store.enqueue((0..<20).map { newJob("p\($0)", task: "probe", priority: 0) }, now: now).map(\.id)
        let dead = try await store.claim(queues: ["default"], tasks: ["probe"], limit: 20, startingNow: 0, worker: "dead",
                                         now: now, leaseUntil: now + 1)
        #expect(dead.count == 20)
        #expect(try await store.rescueExpired(now: now + 2, limit: 100).allSatisfy { $0.newState == .pending })
        // Ten more that a dead worker had started: lost, retried at once.
        let lostProbes = try await store.enqueue((0..<10).map { i -> NewJob in
            var job = newJob("l\(i)", task: "probe", priority: 0)
            job.retryPolicy = RetryPolicy(backoff: .fixed, baseDelayMillis: 0)
            return job
        }, now: now).map(\.id)
        let started = try await store.claim(queues: ["default"], tasks: ["probe"], limit: 10, startingNow: 10, worker: "dead2",
                                            now: now + 3, leaseUntil: now + 4)
        #expect(started.count == 10 && started.allSatisfy { lostProbes.contains($0.id) })
        #expect(try await store.rescueExpired(now: now + 5, limit: 100).allSatisfy { $0.newState == .retrying })
        let summary = try await Worker(store: store, registry: registry,
                                       options: options { $0.burst = true; $0.concurrency = 1; $0.backlogPatienceMillis = 60_000
                                                          $0.leaseMillis = 60_000 },
                                       logger: Self.logger).run()
        #expect(summary.completed == 330)
        let runs = seen.withLock { $0 }
        #expect(runs.count == 30 && runs.allSatisfy(\.recorded), "\(runs)")
        #expect(runs.contains { $0.claimedAhead }, "no probe was claimed ahead of the slot: the test shows nothing")
        for id in probes { #expect(try await store.job(id: id)?.attemptsInBudget == 1) }
        for id in lostProbes { #expect(try await store.job(id: id)?.attemptsInBudget == 2) }
    }
}

@Suite("Engine: prefetch sizing and the backlog")
struct PrefetchTests {
    func job(_ id: Int64, priority: Int = 5, runAt: Millis = 0) -> Job {
        Job(id: id, name: "j\(id)", task: "noop", args: .object([]), queue: "default", priority: priority, state: .running, attempt: 1,
            attemptOffset: 0, maxRetries: 3, retryPolicy: RetryPolicy(), timeoutMillis: nil, runAt: runAt, uniqueKey: nil,
            result: nil, error: nil, createdAt: 0, startedAt: nil, finishedAt: nil, worker: "w", leaseUntil: nil, cancelRequested: false)
    }

    /// A heartbeat that held backlog jobs moves their lease time on (the worker releases, unstarted, a backlog job whose
    /// lease went unrenewed for most of a lease); one that did not hold them, or came earlier, does not.
    @Test func heartbeatsRenewTheLeaseOfTheJobsTheyHeld() {
        var backlog = Backlog()
        backlog.add([job(1), job(2), job(3)], at: 10)
        backlog.renewed([1, 3], at: 12)
        backlog.renewed([3], at: 11) // an older heartbeat's reply arriving late moves nothing back
        backlog.renewed([4], at: 13) // a job that is not waiting here
        var leaseFrom: [Int64: Double] = [:]
        while let entry = backlog.popFirst() {
            leaseFrom[entry.job.id] = entry.leaseFrom
            #expect(entry.claimedAt == 10)
        }
        #expect(leaseFrom == [1: 12, 2: 10, 3: 12])
    }

    @Test func claimsOnlyTheFreeSlotsUntilAJobEnds() {
        let prefetch = Prefetch(concurrency: 10, limit: 1_000)
        #expect(prefetch.target == 0)
        #expect(prefetch.request(free: 10, backlog: 0) == 10)
        #expect(prefetch.request(free: 0, backlog: 0) == 0)
    }

    @Test func theBatchGrowsWhileJobsAreShortAndStaysSmallForLongOnes() {
        var fast = Prefetch(concurrency: 10, limit: 1_000)
        fast.jobRan(seconds: 0.000_02)
        #expect(fast.target == 1_000)
        #expect(fast.request(free: 10, backlog: 0) == 10) // at most twice the last full claim (none yet: the slots)
        fast.claimed(10, asked: 10)
        #expect(fast.request(free: 10, backlog: 0) == 20)
        fast.claimed(20, asked: 20)
        #expect(fast.request(free: 0, backlog: 0) == 40)
        #expect(fast.request(free: 0, backlog: 501) == 0) // above the low-water mark: no claim yet
        fast.claimed(3, asked: 40) // the queue ran dry: the next batch starts small again
        #expect(fast.request(free: 0, backlog: 0) == 10)

        var slow = Prefetch(concurrency: 10, limit: 1_000)
        slow.jobRan(seconds: 0.5)
        #expect(slow.target == 0)
        #expect(slow.request(free: 3, backlog: 0) == 3)

        var medium = Prefetch(concurrency: 10, limit: 1_000)
        medium.jobRan(seconds: 0.001)
        #expect(medium.target == 250) // ten slots' work for 25 ms

        var off = Prefetch(concurrency: 10, limit: 0)
        off.jobRan(seconds: 0.000_01)
        #expect(off.target == 0 && off.request(free: 4, backlog: 0) == 4)
    }

    @Test func aStuckSlotSizesTheBacklogForLongJobs() {
        var prefetch = Prefetch(concurrency: 4, limit: 1_000)
        prefetch.jobRan(seconds: 0.000_01)
        #expect(prefetch.target == 1_000)
        prefetch.slotsBusy(seconds: 1.2)
        #expect(prefetch.target == 0)
    }

    @Test func theBacklogStartsJobsInPriorityOrderAcrossClaims() {
        var backlog = Backlog()
        backlog.add([job(3, priority: 5), job(1, priority: 5), job(7, priority: 1)], at: 0)
        backlog.add([job(9, priority: 8), job(4, priority: 5, runAt: -1)], at: 1)
        #expect(backlog.count == 5 && backlog.ids.count == 5)
        #expect(backlog.remove(id: 1)?.id == 1 && backlog.remove(id: 1) == nil)
        var order: [Int64] = []
        while let entry = backlog.popFirst() { order.append(entry.job.id) }
        #expect(order == [9, 4, 3, 7])
        #expect(backlog.isEmpty)
        backlog.add([job(5), job(6)], at: 2)
        #expect(backlog.removeAll().map(\.id) == [5, 6] && backlog.isEmpty)
    }
}
