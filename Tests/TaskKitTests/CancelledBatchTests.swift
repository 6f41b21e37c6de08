import Testing
@testable import TaskKit

/// The batched operations behind `create-job --from-file`, `purge` and bulk `retry` check for cancellation (Ctrl-C in
/// the command) before each atomic step, never inside one, and say how far they got (exit 130).
@Suite("Batched operations stop between their atomic steps when cancelled")
struct CancelledBatchTests {
    /// Runs `body` in a task that is cancelled before it starts.
    private func cancelled<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async -> Result<T, Error> {
        let task = Task { () async throws -> T in
            withUnsafeCurrentTask { $0?.cancel() }
            return try await body()
        }
        return await task.result
    }

    @Test func eachOperationStopsBeforeItsNextStepAndSaysHowFarItGot() async throws {
        let store = try await Backend.sqlite.makeLocation().migrated()
        let ids = try await store.enqueue((0..<4).map { newJob("j\($0)") }, now: t0).map(\.id)
        for id in ids { _ = try await store.cancel(id: id, now: t0 + 1) }

        let enqueue = await cancelled { try await BulkEnqueue.enqueue([newJob("more")], store: store, now: t0 + 2) }
        #expect(throws: TaskqError.interrupted("interrupted: nothing was enqueued")) { try enqueue.get() }

        let retry = await cancelled { try await Maintenance.retry(store: store, ids: ids, states: [.cancelled], now: t0 + 3) }
        #expect(throws: TaskqError.interrupted("interrupted: retried 0 of 4 job(s) before stopping")) { try retry.get() }

        let purge = await cancelled { try await Maintenance.purge(store: store, states: [.cancelled], finishedBefore: t0 + 10, batchSize: 1) }
        #expect(throws: TaskqError.interrupted("interrupted: deleted 0 job(s) before stopping")) { try purge.get() }
        #expect(TaskqError.interrupted("x").exitCode == 130)

        // Nothing was written by any of them.
        let counts = try await store.counts()
        #expect(counts.filter { $0.count > 0 } == [StateCount(queue: "default", state: .cancelled, count: 4)])
    }
}
