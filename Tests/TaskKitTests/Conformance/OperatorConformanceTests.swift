import Testing
@testable import TaskKit

/// What operators see and control: queue pauses, the worker list with lost marking, the oldest waiting job per queue
/// and the purge of dead worker records. Every backend, each test on its own store.
@Suite("Conformance: operators")
struct OperatorConformanceTests {
    /// Two connections stand for workers on two hosts: a pause recorded through one holds for both at once.
    @Test(arguments: Backend.allCases)
    func pausedQueueIsNotClaimedByAnyHostUntilResumed(backend: Backend) async throws {
        let location = try await backend.makeLocation()
        let hostA = try await location.migrated()
        let hostB = try await location.open()
        _ = try await hostA.enqueue([newJob("q1", queue: "q", priority: 9), newJob("q2", queue: "q"), newJob("o1", queue: "other", priority: 1)],
                                    now: t0)
        let running = try #require(try await hostA.claim(queues: ["q"], limit: 1, worker: "a", now: t0, leaseUntil: t0 + 60_000).first)
        #expect(try await hostB.setQueuePaused("q", paused: true, now: t0 + 1))
        #expect(try await hostA.setQueuePaused("q", paused: true, now: t0 + 2) == false, "pausing twice is harmless")
        #expect(try await hostA.pausedQueues() == ["q": t0 + 1])
        // A paused queue keeps accepting jobs, and neither host claims from it.
        _ = try await hostB.enqueue([newJob("q3", queue: "q", priority: 10)], now: t0 + 3)
        let a = try await hostA.claim(queues: ["q", "other"], limit: 10, worker: "a", now: t0 + 10, leaseUntil: t0 + 60_000)
        let b = try await hostB.claim(queues: ["q", "other"], limit: 10, worker: "b", now: t0 + 10, leaseUntil: t0 + 60_000)
        #expect((a + b).map(\.name) == ["o1"])
        // The job that was running when the queue was paused finishes.
        let finished = try await hostA.finish([JobOutcome(job: running, worker: "a", kind: .completed(result: .null))], now: t0 + 11)
        #expect(finished.applied == [running.id])
        // Pausing a queue with no jobs yet is allowed.
        #expect(try await hostA.setQueuePaused("empty", paused: true, now: t0 + 12))
        #expect(Set(try await hostB.pausedQueues().keys) == ["q", "empty"])

        #expect(try await hostA.setQueuePaused("q", paused: false, now: t0 + 20))
        #expect(try await hostB.setQueuePaused("q", paused: false, now: t0 + 21) == false, "resuming a running queue changes nothing")
        #expect(try await hostB.pausedQueues() == ["empty": t0 + 12])
        let resumed = try await hostB.claim(queues: ["q", "other"], limit: 10, worker: "b", now: t0 + 30, leaseUntil: t0 + 60_000)
        #expect(resumed.map(\.name) == ["q3", "q2"])
    }

    @Test(arguments: Backend.allCases)
    func workersAreListedWithTalliesRunningJobsAndLostMarking(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        try await store.registerWorker(WorkerInfo(id: "w1", host: "h1", pid: 11, queues: ["default", "mail"], concurrency: 4, startedAt: t0,
                                                  lastSeen: t0, leaseMillis: 10_000))
        try await store.registerWorker(WorkerInfo(id: "w2", host: "h2", pid: 22, queues: ["mail"], concurrency: 1, startedAt: t0,
                                                  lastSeen: t0, leaseMillis: 30_000))
        #expect(try await store.touchWorker(id: "w1", now: t0 + 5_000, completed: 3, failed: 1, retried: 1))
        #expect(try await store.touchWorker(id: "nobody", now: t0 + 5_000, completed: 0, failed: 0, retried: 0) == false)
        _ = try await store.enqueue([newJob("a"), newJob("b"), newJob("c")], now: t0)
        _ = try await store.claim(queues: ["default"], limit: 2, worker: "w1", now: t0 + 1, leaseUntil: t0 + 10_000)
        #expect(try await store.runningJobsByWorker() == ["w1": 2])

        let workers = try await store.workers()
        #expect(workers.map(\.id) == ["w1", "w2"])
        let w1 = try #require(workers.first)
        #expect(w1.host == "h1" && w1.pid == 11 && w1.queues == ["default", "mail"] && w1.concurrency == 4 && w1.startedAt == t0)
        #expect(w1.lastSeen == t0 + 5_000 && w1.leaseMillis == 10_000 && w1.completed == 3 && w1.failed == 1 && w1.retried == 1)

        let early = try await WorkerRoster.read(from: store, now: t0 + 14_000)
        #expect(early.live.map(\.info.id) == ["w1", "w2"] && early.entries.first?.running == 2)
        // w1's last touch plus its 10 s lease has passed; w2's 30 s lease has not.
        let later = try await WorkerRoster.read(from: store, now: t0 + 20_000)
        #expect(later.lost.map(\.info.id) == ["w1"] && later.live.map(\.info.id) == ["w2"])
        #expect(later.liveReaders(of: "mail") == 1 && later.liveReaders(of: "default") == 0)
        #expect(later.enqueueWarning(queues: ["mail", "default", "default"]) == "no live worker reads queue 'default'; the job waits until one does")
        #expect(later.enqueueWarning(queues: ["mail"]) == nil)

        try await store.unregisterWorker(id: "w2")
        #expect(try await store.workers().map(\.id) == ["w1"])
    }

    @Test(arguments: Backend.allCases)
    func oldestWaitingJobPerQueue(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        // q1: the oldest waiting job has the lowest priority; q2: only a job not yet due; q3: a scheduled job that
        // became due (not yet promoted by any claim on Redis).
        _ = try await store.enqueue([newJob("old-low", queue: "q1", priority: 0)], now: t0)
        _ = try await store.enqueue([newJob("new-high", queue: "q1", priority: 10), newJob("n", queue: "q1", priority: 5)], now: t0 + 100)
        _ = try await store.enqueue([newJob("future", queue: "q2", runAt: t0 + 1_000_000), newJob("due-later", queue: "q3", runAt: t0 + 50)],
                                    now: t0)
        #expect(try await store.oldestWaiting(queues: ["q1", "q2", "q3", "none"], now: t0 + 1_000) == ["q1": t0, "q3": t0 + 50])
        #expect(try await store.oldestWaiting(queues: ["q3"], now: t0 + 10) == [:], "not due yet")
        // Running jobs do not wait: once old-low runs, q1's oldest is the next one.
        let claimed = try await store.claim(queues: ["q1"], limit: 3, worker: "w", now: t0 + 1_000, leaseUntil: t0 + 60_000)
        #expect(claimed.map(\.name) == ["new-high", "n", "old-low"])
        _ = try await store.enqueue([newJob("fresh", queue: "q1", priority: 3)], now: t0 + 2_000)
        // A claim on Redis promotes q3's due job into its ready set; it still counts from its run_at.
        #expect(try await store.oldestWaiting(queues: ["q1", "q3"], now: t0 + 3_000) == ["q1": t0 + 2_000, "q3": t0 + 50])
        #expect(try await store.oldestWaiting(queues: [], now: t0) == [:])
    }

    @Test(arguments: Backend.allCases)
    func purgeRemovesOnlyWorkersLostForLongerThanTheAge(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let hour: Millis = 3_600_000
        for (id, seen) in [("dead", t0), ("recently-lost", t0 + 2 * hour), ("live", t0 + 3 * hour)] {
            try await store.registerWorker(WorkerInfo(id: id, host: "h", pid: 1, queues: ["default"], concurrency: 1, startedAt: t0,
                                                      lastSeen: seen, leaseMillis: 15_000))
        }
        let now = t0 + 3 * hour + 1_000
        #expect(try await Maintenance.purgeWorkers(store: store, olderThan: hour, now: now, dryRun: true) == 1)
        #expect(try await store.workers().count == 3)
        // A worker that was heard from since it was read keeps its record.
        #expect(try await store.removeWorkers(lastSeen: ["dead": t0 - 1]) == 0)
        #expect(try await Maintenance.purgeWorkers(store: store, olderThan: hour, now: now) == 1)
        #expect(try await store.workers().map(\.id) == ["live", "recently-lost"])
        #expect(try await Maintenance.purgeWorkers(store: store, olderThan: hour, now: now) == 0)
    }
}
