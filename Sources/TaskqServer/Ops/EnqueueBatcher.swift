import TaskKit

/// Group commit for jobs created over HTTP: requests that arrive while a store write is in flight are written
/// together by the next one, in one atomic `enqueue` (one transaction, one fsync), and each request is answered
/// only once its jobs are durable. One client sees exactly the latency of one write; many concurrent clients
/// share writes instead of queueing behind each other's. When a shared write fails, each request is retried on its
/// own so one bad request never fails its neighbours.
final class EnqueueBatcher: Sendable {
    private struct Waiter {
        var jobs: [NewJob]
        var continuation: CheckedContinuation<Written, Error>
    }

    private struct State {
        var waiting: [Waiter] = []
        var writing = false
    }

    private let state = Locked(State())
    private let store: JobStore
    /// Jobs per shared write at most (a bulk request larger than this is written alone).
    private let maxJobs: Int

    init(store: JobStore, maxJobs: Int = 5_000) {
        self.store = store
        self.maxJobs = maxJobs
    }

    /// The results of one request's jobs, in order, and the time the store wrote them at.
    struct Written: Sendable {
        var results: [EnqueueResult]
        var now: Millis
    }

    /// Enqueues `jobs` atomically (all or none) and returns their results in order.
    func enqueue(_ jobs: [NewJob]) async throws -> Written {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { s -> Bool in
                s.waiting.append(Waiter(jobs: jobs, continuation: continuation))
                guard !s.writing else { return false }
                s.writing = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while let batch = nextBatch() {
            if batch.count == 1 {
                await write(batch[0])
                continue
            }
            do {
                let now = Clock.now()
                let results = try await store.enqueue(batch.flatMap(\.jobs), now: now)
                var offset = 0
                for waiter in batch {
                    waiter.continuation.resume(returning: Written(results: Array(results[offset..<offset + waiter.jobs.count]), now: now))
                    offset += waiter.jobs.count
                }
            } catch {
                for waiter in batch { await write(waiter) }
            }
        }
    }

    private func write(_ waiter: Waiter) async {
        do {
            let now = Clock.now()
            waiter.continuation.resume(returning: Written(results: try await store.enqueue(waiter.jobs, now: now), now: now))
        } catch {
            waiter.continuation.resume(throwing: error)
        }
    }

    /// The waiters for the next write (up to `maxJobs` jobs, at least one waiter), or nil when none wait: then
    /// `writing` is cleared under the same lock, so a request arriving next starts a new writer.
    private func nextBatch() -> [Waiter]? {
        state.withLock { s -> [Waiter]? in
            guard !s.waiting.isEmpty else { s.writing = false; return nil }
            var count = 0
            var taken = 0
            while taken < s.waiting.count, taken == 0 || count + s.waiting[taken].jobs.count <= maxJobs {
                count += s.waiting[taken].jobs.count
                taken += 1
            }
            let batch = Array(s.waiting.prefix(taken))
            s.waiting.removeFirst(taken)
            return batch
        }
    }
}
