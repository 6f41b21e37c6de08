import Testing
@testable import TaskKit

@Suite("Conformance: outcomes, retries, leases, cancel")
struct OutcomeConformanceTests {
    func claimOne(_ store: JobStore, now: Millis = t0, worker: String = "w", lease: Millis = 1_000) async throws -> Job {
        try #require(try await store.claim(queues: ["default"], limit: 1, worker: worker, now: now, leaseUntil: now + lease).first)
    }

    @Test(arguments: Backend.allCases)
    func completionStoresResultAndClosesAttempt(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob()], now: t0)
        let job = try await claimOne(store)
        let applied = try await store.finish([JobOutcome(jobID: job.id, attempt: 1, worker: "w", kind: .completed(result: .obj(("ok", .bool(true)))))], now: t0 + 5)
        #expect(applied == [job.id])
        let done = try #require(try await store.job(id: job.id))
        #expect(done.state == .completed && done.result == .obj(("ok", .bool(true))) && done.finishedAt == t0 + 5 && done.error == nil)
        #expect(try await store.attempts(jobID: job.id).map(\.outcome) == [.completed])
    }

    @Test(arguments: Backend.allCases)
    func retriesKeepEveryAttemptAndHonourTheGap(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob(maxRetries: 2)], now: t0)
        var now = t0
        for attempt in 1...3 {
            let job = try await claimOne(store, now: now)
            #expect(job.attempt == attempt)
            let kind: JobOutcome.Kind = attempt < 3
                ? .retry(error: "boom \(attempt)", runAt: now + 1_000, outcome: .failed)
                : .failed(error: "boom \(attempt)", outcome: .failed)
            _ = try await store.finish([JobOutcome(jobID: job.id, attempt: attempt, worker: "w", kind: kind)], now: now)
            if attempt < 3 {
                #expect(try await store.job(id: job.id)?.state == .retrying)
                #expect(try await store.claim(queues: ["default"], limit: 1, worker: "w", now: now + 999, leaseUntil: now + 2000).isEmpty)
            }
            now += 1_000
        }
        let final = try #require(try await store.list(JobFilter(limit: 1)).first)
        #expect(final.state == .failed && final.attempt == 3 && final.error == "boom 3")
        let history = try await store.attempts(jobID: final.id)
        #expect(history.map(\.error) == ["boom 1", "boom 2", "boom 3"])
        #expect(history.map(\.outcome) == [.failed, .failed, .failed])
    }

    @Test(arguments: Backend.allCases)
    func staleOutcomeFromAnotherAttemptIsIgnored(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob()], now: t0)
        let job = try await claimOne(store, worker: "old")
        _ = try await store.rescueExpired(now: t0 + 5_000, limit: 10)
        let again = try await claimOne(store, now: t0 + 5_000, worker: "new")
        #expect(again.attempt == 2)
        let stale = try await store.finish([JobOutcome(jobID: job.id, attempt: 1, worker: "old", kind: .completed(result: .null))], now: t0 + 5_001)
        #expect(stale.isEmpty)
        #expect(try await store.job(id: job.id)?.state == .running)
    }

    @Test(arguments: Backend.allCases)
    func expiredLeasesAreRescued(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob("a", maxRetries: 1), newJob("b", maxRetries: 0)], now: t0)
        let a = try await claimOne(store)
        let b = try await claimOne(store)
        #expect(try await store.rescueExpired(now: t0 + 999, limit: 10).isEmpty)
        let rescued = try await store.rescueExpired(now: t0 + 1_001, limit: 10)
        #expect(Set(rescued.map(\.id)) == [a.id, b.id])
        #expect(try await store.job(id: a.id)?.state == .retrying)
        #expect(try await store.job(id: b.id)?.state == .failed) // no retries left
        #expect(try await store.attempts(jobID: a.id).map(\.outcome) == [.lost])
        // Rescued work runs again (attempt counted).
        let again = try await claimOne(store, now: t0 + 1_001)
        #expect(again.id == a.id && again.attempt == 2)
    }

    @Test(arguments: Backend.allCases)
    func heartbeatExtendsLeasesAndReportsLostJobs(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob(), newJob()], now: t0)
        let a = try await claimOne(store, worker: "w1")
        let b = try await claimOne(store, worker: "w2")
        let reply = try await store.heartbeat(jobIDs: [a.id, b.id], worker: "w1", now: t0 + 500, leaseUntil: t0 + 10_000)
        #expect(reply.lost == [b.id] && reply.cancel.isEmpty)
        let rescued = try await store.rescueExpired(now: t0 + 2_000, limit: 10)
        #expect(rescued.map(\.id) == [b.id])
        #expect(try await store.job(id: a.id)?.state == .running)
    }

    @Test(arguments: Backend.allCases)
    func cancelPendingNeverRuns(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let ids = try await store.enqueue([newJob(), newJob(runAt: t0 + 1_000)], now: t0).map(\.id)
        #expect(try await store.cancel(id: ids[0], now: t0) == .cancelled)
        #expect(try await store.cancel(id: ids[1], now: t0) == .cancelled)
        #expect(try await store.claim(queues: ["default"], limit: 10, worker: "w", now: t0 + 5_000, leaseUntil: t0 + 9_000).isEmpty)
        #expect(try await store.cancel(id: ids[0], now: t0) == .notCancellable(.cancelled))
        #expect(try await store.cancel(id: 999_999, now: t0) == .notFound)
    }

    @Test(arguments: Backend.allCases)
    func cancelRunningEndsCancelledNeverCompleted(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob()], now: t0)
        let job = try await claimOne(store)
        #expect(try await store.cancel(id: job.id, now: t0) == .cancelRequested)
        #expect(try await store.job(id: job.id)?.state == .running)
        let reply = try await store.heartbeat(jobIDs: [job.id], worker: "w", now: t0 + 1, leaseUntil: t0 + 1_000)
        #expect(reply.cancel == [job.id])
        _ = try await store.finish([JobOutcome(jobID: job.id, attempt: 1, worker: "w", kind: .completed(result: .null))], now: t0 + 2)
        #expect(try await store.job(id: job.id)?.state == .cancelled)
        #expect(try await store.cancel(id: job.id, now: t0) == .notCancellable(.cancelled))
    }

    @Test(arguments: Backend.allCases)
    func rescueOfACancelRequestedJobCancelsIt(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob()], now: t0)
        let job = try await claimOne(store)
        _ = try await store.cancel(id: job.id, now: t0)
        _ = try await store.rescueExpired(now: t0 + 5_000, limit: 10)
        #expect(try await store.job(id: job.id)?.state == .cancelled)
    }

    @Test(arguments: Backend.allCases)
    func manualRetryGivesAFreshBudget(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob(maxRetries: 0)], now: t0)
        let job = try await claimOne(store)
        #expect(try await store.retry(id: job.id, now: t0) == .notRetryable(.running))
        _ = try await store.finish([JobOutcome(jobID: job.id, attempt: 1, worker: "w", kind: .failed(error: "x", outcome: .failed))], now: t0)
        #expect(try await store.retry(id: job.id, now: t0 + 10) == .retried)
        let again = try await claimOne(store, now: t0 + 10)
        #expect(again.attempt == 2 && again.attemptsInBudget == 1)
        #expect(try await store.retry(id: 424_242, now: t0) == .notFound)
    }

    @Test(arguments: Backend.allCases)
    func releasedJobsRunAgainWithoutSpendingRetries(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob(maxRetries: 0)], now: t0)
        let job = try await claimOne(store)
        _ = try await store.finish([JobOutcome(jobID: job.id, attempt: 1, worker: "w", kind: .released)], now: t0)
        let again = try await claimOne(store)
        #expect(again.state == .running && again.attempt == 2 && again.attemptsInBudget == 1)
        #expect(try await store.attempts(jobID: job.id).map(\.outcome) == [.released, .running])
    }
}
