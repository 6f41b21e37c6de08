import Testing
@testable import TaskKit
#if canImport(Glibc)
import Glibc
#endif

/// An idle SQLite worker's wait ends at the first write to the `-wal` file, before anything is read; the claim that
/// follows confirms a commit or not (docs/architecture.md, "Wake-up").
@Suite("SQLite: wake-ups from the WAL file")
struct SQLiteWakeupTests {
    /// Bytes written past the WAL's last frame (which SQLite ignores) raise a file event without a commit: the wait
    /// ends, the claim finds nothing, and the next wait still wakes for a real commit by another connection.
    @Test func anEventWithoutACommitDoesNotCostTheNextWakeUp() async throws {
        let location = try await Backend.sqlite.makeLocation()
        let store = try #require(try await location.migrated() as? SQLiteStore)
        let writer = try await location.open()
        defer { Task { await writer.close(); await store.close() } }
        func claim() async throws -> [Job] {
            let now = Clock.now()
            return try await store.claim(queues: ["default"], tasks: ["noop"], limit: 1, worker: "w", now: now, leaseUntil: now + 60_000)
        }
        func timedWait() -> Task<Double, Never> {
            Task {
                let started = Clock.monotonicSeconds()
                await store.waitForWork(queues: ["default"], timeout: 10)
                return Clock.monotonicSeconds() - started
            }
        }
        _ = try await writer.enqueue([newJob("first")], now: Clock.now())
        #expect(try await claim().count == 1)

        let spurious = timedWait()
        try await Task.sleep(nanoseconds: 100_000_000)
        let wal = open(store.path + "-wal", O_WRONLY | O_APPEND)
        try #require(wal >= 0)
        let zeros = [UInt8](repeating: 0, count: 64)
        #expect(write(wal, zeros, zeros.count) == zeros.count)
        close(wal)
        #expect(await spurious.value < 5, "a write to the WAL file ends the wait")
        #expect(try await claim().isEmpty)

        let real = timedWait()
        try await Task.sleep(nanoseconds: 100_000_000) // past the wait's settling (~9 ms)
        _ = try await writer.enqueue([newJob("second")], now: Clock.now())
        #expect(await real.value < 5, "a commit after an unconfirmed event still wakes the worker")
        #expect(try await claim().map(\.name) == ["second"])
    }
}
