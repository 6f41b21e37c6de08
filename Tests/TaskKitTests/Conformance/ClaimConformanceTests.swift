import Testing
@testable import TaskKit

@Suite("Conformance: claiming")
struct ClaimConformanceTests {
    @Test(arguments: Backend.allCases)
    func strictPriorityThenFIFO(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let plan: [(String, Int)] = [("low1", 0), ("norm1", 5), ("crit", 10), ("norm2", 5), ("high", 8), ("low2", 0), ("norm3", 5)]
        _ = try await store.enqueue(plan.map { newJob($0.0, priority: $0.1) }, now: t0)
        var order: [String] = []
        while true {
            let jobs = try await store.claim(queues: ["default"], limit: 2, worker: "w", now: t0 + 1, leaseUntil: t0 + 1000)
            if jobs.isEmpty { break }
            order += jobs.map(\.name)
        }
        #expect(order == ["crit", "high", "norm1", "norm2", "norm3", "low1", "low2"])
    }

    @Test(arguments: Backend.allCases)
    func priorityIsStrictAcrossQueues(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob("a-low", queue: "a", priority: 1), newJob("b-high", queue: "b", priority: 9),
                                     newJob("c-top", queue: "c", priority: 10)], now: t0)
        let jobs = try await store.claim(queues: ["a", "b"], limit: 1, worker: "w", now: t0, leaseUntil: t0 + 1000)
        #expect(jobs.map(\.name) == ["b-high"])
    }

    /// A batch that spans priority levels and queues comes out in claim order (priority, then due time across the
    /// queues, then id), passing over jobs of a higher priority that are not due yet.
    @Test(arguments: Backend.allCases)
    func aBatchAcrossLevelsAndQueuesIsInClaimOrder(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([
            newJob("a-top-later", queue: "a", priority: 10, runAt: t0 + 10_000), newJob("a-9", queue: "a", priority: 9, runAt: t0 - 50),
            newJob("b-9-newer", queue: "b", priority: 9, runAt: t0 - 10), newJob("b-9-older", queue: "b", priority: 9, runAt: t0 - 100),
            newJob("a-5", queue: "a", priority: 5), newJob("b-5-older", queue: "b", priority: 5, runAt: t0 - 200),
            newJob("a-0", queue: "a", priority: 0), newJob("c-10", queue: "c", priority: 10),
        ], now: t0)
        let first = try await store.claim(queues: ["a", "b"], limit: 4, worker: "w", now: t0, leaseUntil: t0 + 1000)
        #expect(first.map(\.name) == ["b-9-older", "a-9", "b-9-newer", "b-5-older"])
        let rest = try await store.claim(queues: ["a", "b"], limit: 10, worker: "w", now: t0, leaseUntil: t0 + 1000)
        #expect(rest.map(\.name) == ["a-5", "a-0"])
        let one = try await store.claim(queues: ["a"], limit: 10, worker: "w", now: t0 + 10_000, leaseUntil: t0 + 11_000)
        #expect(one.map(\.name) == ["a-top-later"])
    }

    @Test(arguments: Backend.allCases)
    func runAtIsHonoured(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob("later", priority: 10, runAt: t0 + 5_000), newJob("now", priority: 0)], now: t0)
        let first = try await store.claim(queues: ["default"], limit: 10, worker: "w", now: t0 + 1, leaseUntil: t0 + 1000)
        #expect(first.map(\.name) == ["now"])
        #expect(try await store.claim(queues: ["default"], limit: 10, worker: "w", now: t0 + 4_999, leaseUntil: t0 + 9000).isEmpty)
        let due = try await store.claim(queues: ["default"], limit: 10, worker: "w", now: t0 + 5_000, leaseUntil: t0 + 9000)
        #expect(due.map(\.name) == ["later"])
    }

    @Test(arguments: Backend.allCases)
    func claimMarksRunningAndOpensAnAttempt(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let id = try await store.enqueue([newJob()], now: t0)[0].id
        let job = try #require(try await store.claim(queues: ["default"], limit: 1, worker: "w1", now: t0 + 7, leaseUntil: t0 + 1007).first)
        #expect(job.id == id && job.state == .running && job.attempt == 1 && job.worker == "w1")
        #expect(job.startedAt == t0 + 7 && job.leaseUntil == t0 + 1007)
        let attempts = try await store.attempts(jobID: id)
        #expect(attempts.map(\.outcome) == [.running] && attempts[0].worker == "w1" && attempts[0].startedAt == t0 + 7)
    }

    @Test(arguments: Backend.allCases)
    func concurrentClaimersNeverShareAJob(backend: Backend) async throws {
        let location = try await backend.makeLocation()
        let seed = try await location.migrated()
        let total = 600
        _ = try await seed.enqueue((0..<total).map { newJob("j\($0)", priority: $0 % 11) }, now: t0)
        var stores: [TaskqStore] = []
        for _ in 0..<8 { stores.append(try await location.open()) }
        let claimedIDs = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for (index, store) in stores.enumerated() {
                group.addTask {
                    var mine: [Int64] = []
                    while true {
                        let jobs = try await store.claim(queues: ["default"], limit: 7, worker: "w\(index)", now: t0, leaseUntil: t0 + 60_000)
                        if jobs.isEmpty { return mine }
                        mine += jobs.map(\.id)
                    }
                }
            }
            var all: [Int64] = []
            for try await ids in group { all += ids }
            return all
        }
        #expect(claimedIDs.count == total)
        #expect(Set(claimedIDs).count == total)
        let counts = try await seed.counts()
        #expect(counts.first { $0.state == .running }?.count == total)
    }

    /// Workers with different task sets share a queue: each claims only the tasks it has handlers for.
    @Test(arguments: Backend.allCases)
    func claimsAreLimitedToTheWorkersTasks(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob("custom-high", task: "resize_image", priority: 10), newJob("plain", task: "noop", priority: 1),
                                     newJob("later", task: "resize_image", runAt: t0 + 100)], now: t0)
        let plain = try await store.claim(queues: ["default"], tasks: ["noop", "echo"], limit: 10, worker: "plain", now: t0 + 200,
                                          leaseUntil: t0 + 1_000)
        #expect(plain.map(\.name) == ["plain"])
        #expect(try await store.claim(queues: ["default"], tasks: ["noop"], limit: 10, worker: "plain", now: t0 + 200, leaseUntil: t0 + 1_000).isEmpty)
        let app = try await store.claim(queues: ["default"], tasks: ["noop", "resize_image"], limit: 10, worker: "app", now: t0 + 200,
                                        leaseUntil: t0 + 1_000)
        #expect(app.map(\.name) == ["custom-high", "later"])
        #expect(try await store.claim(queues: ["default"], tasks: [], limit: 10, worker: "none", now: t0 + 200, leaseUntil: t0 + 1_000).isEmpty)
    }

    /// A queue or task listed twice is read once: no job is claimed twice in one claim.
    @Test(arguments: Backend.allCases)
    func aQueueListedTwiceIsClaimedFromOnce(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob("a"), newJob("b")], now: t0)
        let jobs = try await store.claim(queues: ["default", "default"], tasks: ["noop", "noop"], limit: 5, worker: "w",
                                         now: t0, leaseUntil: t0 + 1_000)
        #expect(jobs.map(\.name) == ["a", "b"] && jobs.allSatisfy { $0.attempt == 1 })
        for job in jobs { #expect(try await store.attempts(jobID: job.id).count == 1) }
        #expect(try await store.claim(queues: ["default"], limit: 5, worker: "w", now: t0, leaseUntil: t0 + 1_000).isEmpty)
    }

    /// Jobs claimed ahead of a free slot carry no start until the worker's heartbeat reports them started. When the
    /// worker dies, a rescue counts the attempt of a started job as lost (failed here: no retries), but gives a job
    /// that never started back unstarted: pending, its attempt refunded, able to run its one attempt.
    @Test(arguments: Backend.allCases)
    func aRescueGivesBackJobsClaimedAheadThatNeverStarted(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue((1...4).map { newJob("j\($0)", maxRetries: $0 <= 2 ? 0 : 1) }, now: t0)
        let claimed = try await store.claim(queues: ["default"], tasks: testTasks, limit: 4, startingNow: 1, worker: "w",
                                            now: t0 + 1, leaseUntil: t0 + 1000)
        #expect(claimed.map(\.name) == ["j1", "j2", "j3", "j4"])
        #expect(claimed.map(\.startedAt) == [t0 + 1, nil, nil, nil])
        #expect(try await store.job(id: claimed[1].id)?.startedAt == nil)
        // j2 started from the backlog: the next heartbeat records it (once: a later report keeps the first time).
        _ = try await store.heartbeat(jobIDs: claimed.map(\.id), started: [claimed[1].id], worker: "w", now: t0 + 5, leaseUntil: t0 + 1000)
        _ = try await store.heartbeat(jobIDs: claimed.map(\.id), started: [claimed[0].id, claimed[1].id], worker: "other", now: t0 + 6, leaseUntil: t0 + 1000)
        _ = try await store.heartbeat(jobIDs: claimed.map(\.id), started: [claimed[1].id], worker: "w", now: t0 + 7, leaseUntil: t0 + 1000)
        #expect(try await store.job(id: claimed[0].id)?.startedAt == t0 + 1)
        #expect(try await store.job(id: claimed[1].id)?.startedAt == t0 + 5)
        #expect(try await store.job(id: claimed[2].id)?.startedAt == nil)

        let rescued = try await store.rescueExpired(now: t0 + 2000, limit: 100).sorted { $0.id < $1.id }
        #expect(rescued.map(\.newState) == [.failed, .failed, .pending, .pending])
        for job in claimed[2...] {
            let history = try await store.attempts(jobID: job.id)
            #expect(history.last?.outcome == .released && history.last?.error?.contains("given back, not counted") == true, "\(history)")
        }
        // Given back unstarted, j3 (one retry) still has both its attempts: claimed and failed now, it is retried.
        let again = try await store.claim(queues: ["default"], limit: 1, worker: "w2", now: t0 + 3000, leaseUntil: t0 + 4000)
        #expect(again.map(\.name) == ["j3"] && again.first?.startedAt == t0 + 3000)
        let decided = again[0].failure(error: "boom", outcome: .failed, at: t0 + 3001)
        guard case .retry = decided else { Issue.record("the attempt given back was counted: \(decided)"); return }
        // j4, claimed ahead again and again unrecorded when its worker dies, is given back again: it never ran. Its
        // error names the give-back, so a worker records its start before running it (`Worker`), and a death after
        // that counts (a job that kills its worker as it starts does not come back free for ever).
        let ahead = try await store.claim(queues: ["default"], tasks: testTasks, limit: 2, startingNow: 0, worker: "w3",
                                          now: t0 + 5000, leaseUntil: t0 + 6000)
        #expect(ahead.map(\.name) == ["j4"] && ahead.first?.startedAt == nil && ahead.first?.attemptOffset == 1)
        #expect(JobMessages.followsWorkerDeath(ahead.first?.error), "the claim shows the give-back: \(ahead.first?.error ?? "nil")")
        let second = try await store.rescueExpired(now: t0 + 7000, limit: 100)
        #expect(second.first { $0.id == claimed[3].id }?.newState == .pending, "\(second)")
        let third = try await store.claim(queues: ["default"], tasks: testTasks, limit: 2, startingNow: 0, worker: "w4",
                                          now: t0 + 8000, leaseUntil: t0 + 9000)
        #expect(third.map(\.name) == ["j4"] && third.first?.attemptOffset == 2 && third.first?.attempt == 3)
        _ = try await store.heartbeat(jobIDs: [claimed[3].id], started: [claimed[3].id], worker: "w4", now: t0 + 8001, leaseUntil: t0 + 9000)
        let last = try await store.rescueExpired(now: t0 + 10_000, limit: 100)
        #expect(last.first { $0.id == claimed[3].id }?.newState == .retrying, "\(last)")
        #expect(try await store.attempts(jobID: claimed[3].id).last?.outcome == .lost)
    }

    /// A worker's own rescue spares the jobs it still holds: after a store outage longer than the lease, their leases
    /// have expired too, and rescuing them would run them again while their outcomes wait to be written.
    @Test(arguments: Backend.allCases)
    func aRescueSparesTheJobsTheRescuingWorkerHolds(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob("mine"), newJob("theirs")], now: t0)
        let claimed = try await store.claim(queues: ["default"], limit: 2, worker: "w", now: t0 + 1, leaseUntil: t0 + 1000)
        let spared = try await Rescuer.rescueBatch(store: store, now: t0 + 2000, limit: 100, sparing: [claimed[0].id])
        #expect(spared.listed == 2 && spared.rescued.map(\.id) == [claimed[1].id])
        #expect(try await store.job(id: claimed[0].id)?.state == .running)
    }
}
