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
        let quick = try await store.enqueue([newJob("quick", task: "sleep", args: .obj(("seconds", .double(0.3))))], now: now)[0].id
        let slow = try await store.enqueue([newJob("slow", task: "sleep", args: .obj(("seconds", .int(60))))], now: now)[0].id
        let worker = Worker(store: store, registry: .builtins(), options: options { $0.gracePeriodMillis = 1_000 }, logger: Self.logger)
        let run = Task { try await worker.run() }
        try await waitUntil { try await store.job(id: slow)?.state == .running }
        worker.stop()
        let summary = try await run.value
        #expect(try await store.job(id: quick)?.state == .completed)
        #expect(try await store.job(id: slow)?.state == .pending)
        #expect(summary.released == 1)
    }

    @Test(arguments: Backend.allCases)
    func typedSwiftHandlersDecodeArgumentsAndEncodeResults(backend: Backend) async throws {
        struct Greeting: Codable, Sendable { var name: String }
        struct Reply: Codable, Sendable { var text: String }
        var registry = TaskRegistry.builtins()
        registry.register("greet", description: "Greets") { (args: Greeting, _: JobContext) in Reply(text: "hello \(args.name)") }
        let store = try await backend.makeLocation().migrated()
        let ids = try await store.enqueue([newJob(task: "greet", args: .obj(("name", .string("ada")))),
                                           newJob(task: "greet", maxRetries: 0, args: .obj(("wrong", .int(1))))], now: Clock.now())
        _ = try await Worker(store: store, registry: registry, options: options { $0.burst = true }, logger: Self.logger).run()
        #expect(try await store.job(id: ids[0].id)?.result == .obj(("text", .string("hello ada"))))
        let bad = try #require(try await store.job(id: ids[1].id))
        #expect(bad.state == .failed && bad.error?.contains("arguments do not match") == true)
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
}
