import Foundation
import Logging
import Testing
@testable import TaskKit

/// The worker keeps a shell job's output in the store: streamed while the job runs, the tail past the cap.
@Suite("Engine: job output over every backend")
struct WorkerOutputTests {
    let engine = WorkerEngineTests()

    func shell(_ name: String, _ script: String) -> NewJob {
        newJob(name, task: "shell", maxRetries: 0, args: .obj(("command", .array(["sh", "-c", script].map { .string($0) }))))
    }

    @Test(arguments: Backend.allCases)
    func outputPastTheCapKeepsTheTail(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        // 2,000 numbered lines on stdout (18,890 bytes), one line on stderr; exit 0.
        let ids = try await store.enqueue([shell("loud", "seq 1 2000 | sed 's/^/line /'; echo bye >&2")], now: Clock.now()).map(\.id)
        let summary = try await Worker(store: store, registry: .builtins(),
                                       options: engine.options { $0.burst = true; $0.outputCapBytes = 1_000 },
                                       logger: WorkerEngineTests.logger).run()
        #expect(summary.completed == 1)
        let expected = Array((1...2000).map { "line \($0)\n" }.joined().utf8)
        let stdout = try #require(try await store.output(jobID: ids[0], attempt: 1, stream: .stdout))
        #expect(stdout.bytes == Array(expected.suffix(1_000)))
        #expect(stdout.dropped == Int64(expected.count - 1_000))
        #expect(try await store.output(jobID: ids[0], attempt: 1, stream: .stderr) == JobOutput(bytes: Array("bye\n".utf8), dropped: 0))
        // The result keeps its short tails, as before.
        let job = try #require(try await store.job(id: ids[0]))
        #expect(job.result?["exit_code"] == .int(0) && job.result?["stderr"] == .string("bye\n"))
        #expect(job.result?["stdout"]?.stringValue?.hasSuffix("line 2000\n") == true)
    }

    @Test(arguments: Backend.allCases)
    func outputIsStoredWhileTheJobRuns(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        // The job prints its second line only once the test has seen the first stored (however slow the machine).
        let go = FileManager.default.temporaryDirectory.appendingPathComponent("taskq-output-go-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: go) }
        let script = "echo first; i=0; while [ ! -e '\(go)' ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done; echo second"
        let ids = try await store.enqueue([shell("slow", script)], now: Clock.now()).map(\.id)
        let worker = Worker(store: store, registry: .builtins(), options: engine.options { $0.maxTasks = 1 }, logger: WorkerEngineTests.logger)
        let run = Task { try await worker.run() }
        try await engine.waitUntil(30) {
            try await store.output(jobID: ids[0], attempt: 1, stream: .stdout)?.bytes == Array("first\n".utf8)
        }
        #expect(try await store.job(id: ids[0])?.state == .running)
        FileManager.default.createFile(atPath: go, contents: nil)
        _ = try await run.value
        #expect(try await store.job(id: ids[0])?.state == .completed)
        #expect(try await store.output(jobID: ids[0], attempt: 1, stream: .stdout)?.bytes == Array("first\nsecond\n".utf8))
    }
}

/// The sink's in-memory spool: a bounded tail with the bytes it dropped counted.
@Suite("Engine: output spool")
struct OutputSpoolTests {
    @Test func spoolStaysBoundedAndCountsWhatItDrops() {
        var spool = JobOutputSink.Spool()
        let cap = 100_000
        var written = 0
        for i in 0..<1_000 {
            let chunk = [UInt8](repeating: UInt8(i % 256), count: 16_384)
            JobOutputSink.append(chunk[...], to: &spool, cap: cap)
            written += chunk.count
            #expect(spool.bytes.count <= cap + 64 * 1024 + chunk.count)
        }
        #expect(Int64(spool.bytes.count) + spool.skipped == Int64(written))
        #expect(spool.bytes.last == UInt8(999 % 256))
        JobOutputSink.append([UInt8](repeating: 7, count: cap + 5)[...], to: &spool, cap: cap)
        #expect(spool.bytes.count == cap && Int64(spool.bytes.count) + spool.skipped == Int64(written + cap + 5))
    }

    /// An append the store did not take goes back in front of what came since: an outage keeps the stored output
    /// (a sweep saw a Redis restart leave only what a job printed after it, the rest called dropped by the cap).
    @Test func aFailedAppendIsTriedAgainWithWhatFollows() async throws {
        let store = FlakyOutputStore()
        let sink = JobOutputSink(target: .init(store: store, jobID: 1, attempt: 1, worker: "w", cap: 10, logger: WorkerEngineTests.logger),
                                 interval: 0.01)
        sink.write(Array("one\n".utf8), to: .stdout)
        try await waitFor { store.kept == Array("one\n".utf8) }
        store.failing = true
        sink.write(Array("two\n".utf8), to: .stdout)
        try await waitFor { store.failures > 0 }
        store.failing = false
        sink.write(Array("three\n".utf8), to: .stdout)
        await sink.finish()
        // A tail of 10 bytes of "one\ntwo\nthree\n", the bytes before it counted dropped, nothing replaced by a gap.
        #expect(String(decoding: store.kept, as: UTF8.self) == "two\nthree\n" && store.dropped == 4, "\(String(decoding: store.kept, as: UTF8.self)) \(store.dropped)")

        #expect(JobOutputSink.requeued(.init(bytes: Array("ab".utf8), skipped: 0), before: .init(bytes: Array("cd".utf8), skipped: 3), cap: 10)
                == .init(bytes: Array("cd".utf8), skipped: 5))
    }

    /// Output the store did not take when the job ends is tried again before `finish` returns (the outcome waits
    /// for it): a job that ended during a store restart once lost what it printed during it.
    @Test func finishTriesAgainWhileTheStoreIsBack() async throws {
        let store = FlakyOutputStore()
        store.failing = true
        let sink = JobOutputSink(target: .init(store: store, jobID: 1, attempt: 1, worker: "w", cap: 100, logger: WorkerEngineTests.logger),
                                 interval: 0.01)
        sink.write(Array("during the outage\n".utf8), to: .stdout)
        let back = Task { try await Task.sleep(nanoseconds: 200_000_000); store.failing = false }
        await sink.finish()
        try await back.value
        #expect(String(decoding: store.kept, as: UTF8.self) == "during the outage\n" && store.failures > 0)
    }

    func waitFor(_ condition: () -> Bool) async throws {
        for _ in 0..<2_000 where !condition() { try await Task.sleep(nanoseconds: 5_000_000) }
        #expect(condition())
    }

    @Test func byteSizes() {
        #expect(ByteSize.bytes("1MiB") == 1 << 20 && ByteSize.bytes("512 KiB") == 512 * 1024 && ByteSize.bytes("64k") == 65_536)
        #expect(ByteSize.bytes("2MB") == 2_000_000 && ByteSize.bytes("4096") == 4096 && ByteSize.bytes("1.5m") == 1_572_864)
        #expect(ByteSize.bytes("-1") == nil && ByteSize.bytes("1x") == nil && ByteSize.bytes("") == nil && ByteSize.bytes("0.5") == nil)
        #expect(ByteSize.format(1 << 20) == "1 MiB" && ByteSize.format(1000) == "1000 bytes")
    }

    @Test func outputCapInTaskqToml() throws {
        let config = try TaskqConfig(json: .obj(("worker", .obj(("output_cap", .string("256KiB"))))))
        #expect(config.worker.outputCapBytes == 256 * 1024)
        #expect(try TaskqConfig(json: .obj(("worker", .obj(("output_cap", .int(4096)))))).worker.outputCapBytes == 4096)
        for bad: JSONValue in [.string("lots"), .string("0"), .string("2GiB"), .int(-1)] {
            #expect(throws: TaskqError.badInput("taskq.toml: [worker] output_cap must be a size from 1B to 1GiB, such as \"1MiB\" or \"256KiB\"")) {
                try TaskqConfig(json: .obj(("worker", .obj(("output_cap", bad)))))
            }
        }
    }
}

/// An output store in memory whose appends fail while `failing` is set: the store semantics of JobOutputStore
/// (`skipped` above zero replaces what is kept; a tail of `cap` bytes).
final class FlakyOutputStore: JobOutputStore, @unchecked Sendable {
    private let lock = NSLock()
    private var state = (kept: [UInt8](), dropped: Int64(0), failing: false, failures: 0)

    var kept: [UInt8] { lock.withLock { state.kept } }
    var dropped: Int64 { lock.withLock { state.dropped } }
    var failures: Int { lock.withLock { state.failures } }
    var failing: Bool {
        get { lock.withLock { state.failing } }
        set { lock.withLock { state.failing = newValue } }
    }

    func appendOutput(_ chunk: [UInt8], skipped: Int64, jobID: Int64, attempt: Int, stream: OutputStreamName,
                      worker: String, cap: Int) async throws -> Bool {
        try lock.withLock {
            if state.failing {
                state.failures += 1
                throw TaskqError.unavailable("the store is down")
            }
            if skipped > 0 {
                state.dropped += Int64(state.kept.count) + skipped
                state.kept = []
            }
            state.kept += chunk
            if state.kept.count > cap {
                state.dropped += Int64(state.kept.count - cap)
                state.kept.removeFirst(state.kept.count - cap)
            }
            return true
        }
    }

    func output(jobID: Int64, attempt: Int, stream: OutputStreamName) async throws -> JobOutput? {
        lock.withLock { JobOutput(bytes: state.kept, dropped: state.dropped) }
    }
}
