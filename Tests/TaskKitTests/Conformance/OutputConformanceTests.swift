import Testing
@testable import TaskKit

/// `JobOutputStore` on every backend: appends under the ownership guard, the tail kept past the cap with the
/// dropped bytes counted, bytes that are not text, and purge.
@Suite("Conformance: job output")
struct OutputConformanceTests {
    /// A migrated store with one running shell job held by worker "w" (attempt 1).
    func running(_ backend: Backend) async throws -> (TaskqStore, Job) {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob(task: "shell")], now: t0)
        let job = try #require(try await store.claim(queues: ["default"], limit: 1, worker: "w", now: t0, leaseUntil: t0 + 60_000).first)
        return (store, job)
    }

    func append(_ store: TaskqStore, _ job: Job, _ text: String, stream: OutputStreamName = .stdout, worker: String = "w",
                attempt: Int? = nil, cap: Int = 1 << 20, skipped: Int64 = 0) async throws -> Bool {
        try await store.appendOutput(Array(text.utf8), skipped: skipped, jobID: job.id, attempt: attempt ?? job.attempt,
                                     stream: stream, worker: worker, cap: cap)
    }

    @Test(arguments: Backend.allCases)
    func appendsAccumulatePerStream(backend: Backend) async throws {
        let (store, job) = try await running(backend)
        #expect(try await store.output(jobID: job.id, attempt: 1, stream: .stdout) == nil)
        #expect(try await append(store, job, "hello\n"))
        #expect(try await append(store, job, "world\n"))
        #expect(try await append(store, job, "oops\n", stream: .stderr))
        #expect(try await store.output(jobID: job.id, attempt: 1, stream: .stdout) == JobOutput(bytes: Array("hello\nworld\n".utf8), dropped: 0))
        #expect(try await store.output(jobID: job.id, attempt: 1, stream: .stderr) == JobOutput(bytes: Array("oops\n".utf8), dropped: 0))
        #expect(try await store.output(jobID: job.id, attempt: 2, stream: .stdout) == nil)
    }

    @Test(arguments: Backend.allCases)
    func capKeepsTheTailAndCountsDroppedBytes(backend: Backend) async throws {
        let (store, job) = try await running(backend)
        #expect(try await append(store, job, "0123456789", cap: 8))
        #expect(try await store.output(jobID: job.id, attempt: 1, stream: .stdout) == JobOutput(bytes: Array("23456789".utf8), dropped: 2))
        #expect(try await append(store, job, "abc", cap: 8))
        #expect(try await store.output(jobID: job.id, attempt: 1, stream: .stdout) == JobOutput(bytes: Array("56789abc".utf8), dropped: 5))
        // Bytes the writer dropped itself: what was kept is replaced, so the kept bytes stay a contiguous tail.
        #expect(try await append(store, job, "XY", cap: 8, skipped: 100))
        let output = try #require(try await store.output(jobID: job.id, attempt: 1, stream: .stdout))
        #expect(output == JobOutput(bytes: Array("XY".utf8), dropped: 113) && output.total == 115)
    }

    @Test(arguments: Backend.allCases)
    func bytesRoundTripExactly(backend: Backend) async throws {
        let (store, job) = try await running(backend)
        // NUL, invalid UTF-8 (a lone continuation byte, a truncated sequence, 0xFF), an escape sequence, every byte.
        let chunk: [UInt8] = [0x00, 0x41, 0x80, 0xC3, 0xFF, 0x00, 0x1B, 0x5B, 0x32, 0x4A] + (0...255).map(UInt8.init)
        #expect(try await store.appendOutput(chunk, skipped: 0, jobID: job.id, attempt: 1, stream: .stderr, worker: "w", cap: 1 << 20))
        #expect(try await store.appendOutput([0xE2, 0x82], skipped: 0, jobID: job.id, attempt: 1, stream: .stderr, worker: "w", cap: 1 << 20))
        let stored = try #require(try await store.output(jobID: job.id, attempt: 1, stream: .stderr))
        #expect(stored.bytes == chunk + [0xE2, 0x82] && stored.dropped == 0)
        // Trimming cuts bytes, not characters: the tail may start inside a UTF-8 sequence.
        #expect(try await store.appendOutput(Array("é€".utf8), skipped: 0, jobID: job.id, attempt: 1, stream: .stdout, worker: "w", cap: 4))
        #expect(try await store.output(jobID: job.id, attempt: 1, stream: .stdout)?.bytes == [0xA9, 0xE2, 0x82, 0xAC])
    }

    @Test(arguments: Backend.allCases)
    func onlyTheHoldingWorkerAndAttemptWrite(backend: Backend) async throws {
        let (store, job) = try await running(backend)
        #expect(try await append(store, job, "old attempt\n"))
        #expect(try await !append(store, job, "not mine\n", worker: "other"))
        #expect(try await !append(store, job, "future\n", attempt: 2))
        // The lease expires and the job is rescued, then claimed again by another worker: attempt 2.
        let rescued = try await store.rescueExpired(now: t0 + 61_000, limit: 10)
        #expect(rescued.map(\.id) == [job.id])
        let again = try #require(try await store.claim(queues: ["default"], limit: 1, worker: "w2", now: t0 + 200_000,
                                                       leaseUntil: t0 + 260_000).first)
        #expect(again.attempt == 2)
        // The stale worker writes neither into its old attempt nor into the new one.
        #expect(try await !append(store, job, "stale\n", attempt: 1))
        #expect(try await !append(store, job, "stale\n", attempt: 2))
        #expect(try await append(store, again, "fresh\n", worker: "w2"))
        #expect(try await store.output(jobID: job.id, attempt: 1, stream: .stdout)?.bytes == Array("old attempt\n".utf8))
        #expect(try await store.output(jobID: job.id, attempt: 2, stream: .stdout)?.bytes == Array("fresh\n".utf8))
        // A finished job takes no more output.
        _ = try await store.finish([JobOutcome(job: again, worker: "w2", kind: .completed(result: .null))], now: t0 + 200_100)
        #expect(try await !append(store, again, "late\n", worker: "w2"))
        #expect(try await store.output(jobID: job.id, attempt: 2, stream: .stdout)?.bytes == Array("fresh\n".utf8))
    }

    @Test(arguments: Backend.allCases)
    func purgeDeletesOutputWithItsJob(backend: Backend) async throws {
        let (store, job) = try await running(backend)
        #expect(try await append(store, job, "out\n"))
        #expect(try await append(store, job, "err\n", stream: .stderr))
        _ = try await store.finish([JobOutcome(job: job, worker: "w", kind: .completed(result: .null))], now: t0 + 10)
        #expect(try await store.purge(states: [.completed], finishedBefore: t0 + 1_000, limit: 10) == 1)
        #expect(try await store.output(jobID: job.id, attempt: 1, stream: .stdout) == nil)
        #expect(try await store.output(jobID: job.id, attempt: 1, stream: .stderr) == nil)
        if let redis = store as? RedisStore {
            // Nothing of the job's output is left under the prefix.
            let p = redis.target.prefix
            let left = try await redis.connection.run { db in try db.command(["SCAN", "0", "MATCH", "\(p):output*", "COUNT", "1000"]).array }
            #expect(left.count == 2 && left[1].array.isEmpty, "\(left)")
        }
    }
}
