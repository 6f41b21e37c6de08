import Testing
@testable import TaskKit

@Suite("Conformance: outcomes, retries, leases, cancel")
struct OutcomeConformanceTests {
    func claimOne(_ store: TaskqStore, now: Millis = t0, worker: String = "w", lease: Millis = 1_000) async throws -> Job {
        try #require(try await store.claim(queues: ["default"], limit: 1, worker: worker, now: now, leaseUntil: now + lease).first)
    }

    @Test(arguments: Backend.allCases)
    func completionStoresResultAndClosesAttempt(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob()], now: t0)
        let job = try await claimOne(store)
        let applied = try await store.finish([JobOutcome(jobID: job.id, attempt: 1, worker: "w", kind: .completed(result: .obj(("ok", .bool(true)))))], now: t0 + 5)
        #expect(applied == FinishReply(applied: [job.id]))
        let done = try #require(try await store.job(id: job.id))
        #expect(done.state == .completed && done.result == .obj(("ok", .bool(true))) && done.finishedAt == t0 + 5 && done.error == nil)
        #expect(try await store.attempts(jobID: job.id).map(\.outcome) == [.completed])
    }

    @Test(arguments: Backend.allCases)
    func aSuccessAfterAFailedAttemptClearsTheErrorAndTheLease(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob()], now: t0)
        let first = try await claimOne(store)
        #expect(try await store.job(id: first.id)?.leaseUntil == t0 + 1_000)
        _ = try await store.finish([JobOutcome(job: first, worker: "w", kind: .retry(error: "boom", runAt: t0 + 10, outcome: .failed))],
                                   now: t0 + 5)
        let retrying = try #require(try await store.job(id: first.id))
        #expect(retrying.state == .retrying && retrying.error == "boom" && retrying.leaseUntil == nil)
        let second = try await claimOne(store, now: t0 + 20)
        _ = try await store.finish([JobOutcome(job: second, worker: "w", kind: .completed(result: .null))], now: t0 + 30)
        let done = try #require(try await store.job(id: first.id))
        #expect(done.state == .completed && done.error == nil && done.leaseUntil == nil && done.attempt == 2)
        #expect(try await store.attempts(jobID: first.id).map(\.error) == ["boom", nil])
    }

    @Test(arguments: Backend.allCases)
    func anOutcomeRecordsWhenItsAttemptReallyStarted(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let ids = try await store.enqueue([newJob("a"), newJob("b")], now: t0).map(\.id)
        _ = try await store.claim(queues: ["default"], limit: 2, worker: "w", now: t0, leaseUntil: t0 + 1_000)
        // Claimed together; a waited in the worker's backlog for 40 ms, b's outcome leaves the claim time.
        let reply = try await store.finish([
            JobOutcome(jobID: ids[0], attempt: 1, worker: "w", kind: .completed(result: .null), finishedAt: t0 + 50, startedAt: t0 + 40),
            JobOutcome(jobID: ids[1], attempt: 1, worker: "w", kind: .released, finishedAt: t0 + 50),
        ], now: t0 + 60)
        #expect(reply.applied == Set(ids))
        #expect(try await store.job(id: ids[0])?.startedAt == t0 + 40)
        #expect(try await store.attempts(jobID: ids[0]).map(\.startedAt) == [t0 + 40])
        #expect(try await store.job(id: ids[1])?.startedAt == t0)
        #expect(try await store.attempts(jobID: ids[1]).map(\.startedAt) == [t0])
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
        let due = try #require(try await store.job(id: job.id)).runAt
        let again = try await claimOne(store, now: due, worker: "new")
        #expect(again.attempt == 2)
        let stale = try await store.finish([JobOutcome(jobID: job.id, attempt: 1, worker: "old", kind: .completed(result: .null))], now: due + 1)
        #expect(stale == FinishReply())
        #expect(try await store.job(id: job.id)?.state == .running)
    }

    @Test(arguments: Backend.allCases)
    func expiredLeasesAreRescued(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob("a", maxRetries: 1), newJob("b", maxRetries: 0)], now: t0)
        let a = try await claimOne(store)
        let b = try await claimOne(store)
        #expect(try await store.expiredLeases(now: t0 + 1_000, limit: 10).isEmpty)
        #expect(try await store.rescueExpired(now: t0 + 999, limit: 10).isEmpty)
        #expect(Set(try await store.expiredLeases(now: t0 + 1_001, limit: 10).map(\.id)) == [a.id, b.id])
        let rescued = try await store.rescueExpired(now: t0 + 1_001, limit: 10)
        #expect(Set(rescued.map(\.id)) == [a.id, b.id])
        let retrying = try #require(try await store.job(id: a.id))
        #expect(retrying.state == .retrying && retrying.error == JobMessages.leaseExpired(worker: "w") && retrying.leaseUntil == nil)
        let failed = try #require(try await store.job(id: b.id))
        #expect(failed.state == .failed && failed.finishedAt == t0 + 1_001) // no retries left
        #expect(try await store.attempts(jobID: a.id).map(\.outcome) == [.lost])
        #expect(try await store.attempts(jobID: a.id).first?.error == JobMessages.leaseExpired(worker: "w"))
        #expect(try await store.expiredLeases(now: t0 + 9_999_999, limit: 10).isEmpty)
    }

    /// A rescued job waits out its retry policy's back-off like any failed attempt, instead of running at once.
    @Test(arguments: Backend.allCases)
    func rescuedJobsWaitTheirBackOff(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        var job = newJob(maxRetries: 2)
        job.retryPolicy = RetryPolicy(backoff: .fixed, baseDelayMillis: 30_000)
        _ = try await store.enqueue([job], now: t0)
        let claimed = try await claimOne(store)
        _ = try await store.rescueExpired(now: t0 + 2_000, limit: 10)
        let rescued = try #require(try await store.job(id: claimed.id))
        #expect(rescued.state == .retrying && rescued.runAt == t0 + 32_000)
        #expect(try await store.claim(queues: ["default"], limit: 1, worker: "w2", now: t0 + 31_999, leaseUntil: t0 + 40_000).isEmpty)
        let again = try await claimOne(store, now: t0 + 32_000, worker: "w2")
        #expect(again.id == claimed.id && again.attempt == 2)
    }

    /// The rescuer's decision applies only while the lease is still expired: a worker that renewed it between the
    /// listing and the apply keeps its job.
    @Test(arguments: Backend.allCases)
    func rescueSparesALeaseRenewedMeanwhile(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob()], now: t0)
        let job = try await claimOne(store)
        let expired = try await store.expiredLeases(now: t0 + 2_000, limit: 10)
        #expect(expired.map(\.id) == [job.id])
        _ = try await store.heartbeat(jobIDs: [job.id], worker: "w", now: t0 + 2_000, leaseUntil: t0 + 5_000)
        let reply = try await store.finish(expired.map { Rescuer.decision(for: $0, now: t0 + 2_000) }, now: t0 + 2_000)
        #expect(reply == FinishReply())
        let still = try #require(try await store.job(id: job.id))
        #expect(still.state == .running && still.worker == "w")
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
        // The store does not apply a completion that yields to the cancellation: it says what happened.
        let completed = JobOutcome(job: job, worker: "w", kind: .completed(result: .obj(("n", .int(1)))), finishedAt: t0 + 2)
        #expect(try await store.finish([completed], now: t0 + 2) == FinishReply(cancelRequested: [job.id]))
        #expect(try await store.job(id: job.id)?.state == .running)
        // The engine decides: cancel wins, and the attempt's record agrees with the job.
        let recorded = try await OutcomeRecorder.record([completed], in: store, now: t0 + 2)
        #expect(recorded.map(\.kind) == [.cancelled(error: JobMessages.cancelledWhileRunning, outcome: .cancelled, result: .obj(("n", .int(1))))])
        let done = try #require(try await store.job(id: job.id))
        #expect(done.state == .cancelled && done.error == JobMessages.cancelledWhileRunning && done.finishedAt == t0 + 2)
        #expect(done.result == .obj(("n", .int(1))))
        #expect(try await store.attempts(jobID: job.id).map(\.outcome) == [.cancelled])
        #expect(try await store.cancel(id: job.id, now: t0) == .notCancellable(.cancelled))
    }

    @Test(arguments: Backend.allCases)
    func cancelWinsOverRetryFailureAndRelease(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob(), newJob(), newJob()], now: t0)
        let jobs = try await store.claim(queues: ["default"], limit: 3, worker: "w", now: t0, leaseUntil: t0 + 1_000)
        for job in jobs { _ = try await store.cancel(id: job.id, now: t0) }
        let kinds: [JobOutcome.Kind] = [.retry(error: "boom", runAt: t0 + 500, outcome: .failed), .failed(error: "bad", outcome: .timeout), .released]
        let outcomes = zip(jobs, kinds).map { JobOutcome(job: $0.0, worker: "w", kind: $0.1, finishedAt: t0 + 3) }
        let recorded = try await OutcomeRecorder.record(outcomes, in: store, now: t0 + 3)
        #expect(recorded.count == 3)
        for job in jobs {
            let now = try #require(try await store.job(id: job.id))
            #expect(now.state == .cancelled && now.finishedAt == t0 + 3)
        }
        #expect(try await store.job(id: jobs[0].id)?.error == "boom")
        #expect(try await store.attempts(jobID: jobs[1].id).map(\.outcome) == [.timeout])
        #expect(try await store.attempts(jobID: jobs[2].id).map(\.outcome) == [.cancelled])
        #expect(try await store.claim(queues: ["default"], limit: 3, worker: "w", now: t0 + 10_000, leaseUntil: t0 + 20_000).isEmpty)
    }

    @Test(arguments: Backend.allCases)
    func rescueOfACancelRequestedJobCancelsIt(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob()], now: t0)
        let job = try await claimOne(store)
        _ = try await store.cancel(id: job.id, now: t0)
        _ = try await store.rescueExpired(now: t0 + 5_000, limit: 10)
        #expect(try await store.job(id: job.id)?.state == .cancelled)
        #expect(try await store.attempts(jobID: job.id).map(\.outcome) == [.lost])
    }

    @Test(arguments: Backend.allCases)
    func manualRetryRefusesAUniqueKeyHeldByAnotherLiveJob(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let first = try await store.enqueue([newJob(uniqueKey: "k")], now: t0)[0].id
        #expect(try await store.cancel(id: first, now: t0) == .cancelled)
        #expect(try await store.job(id: first)?.error == JobMessages.cancelledBeforeRun)
        let second = try await store.enqueue([newJob(uniqueKey: "k")], now: t0 + 1)[0]
        #expect(second.created && second.id != first)
        #expect(try await store.retry(id: first, now: t0 + 2) == .uniqueKeyHeld(key: "k", byJob: second.id))
        #expect(try await store.job(id: first)?.state == .cancelled)
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

    /// `retry --again` runs a completed job once more; a retried job carries none of the last attempt's fields as
    /// its own (the history keeps them).
    @Test(arguments: Backend.allCases)
    func aRetriedJobStartsCleanAndCompletedJobsRunAgainOnlyWhenAsked(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue([newJob(), newJob()], now: t0)
        let done = try await claimOne(store)
        _ = try await store.finish([JobOutcome(job: done, worker: "w", kind: .completed(result: .obj(("n", .int(1)))))], now: t0 + 5)
        let dead = try await claimOne(store)
        _ = try await store.finish([JobOutcome(job: dead, worker: "w", kind: .failed(error: "bad", outcome: .failed))], now: t0 + 6)
        #expect(try await store.retry(id: done.id, now: t0 + 10) == .notRetryable(.completed))
        #expect(try await store.retry(id: done.id, now: t0 + 10, from: JobState.rerunnable) == .retried)
        #expect(try await store.retry(id: dead.id, now: t0 + 10) == .retried)
        for id in [done.id, dead.id] {
            let job = try #require(try await store.job(id: id))
            #expect(job.state == .pending && job.runAt == t0 + 10 && job.attemptsInBudget == 0)
            #expect(job.error == nil && job.result == nil && job.startedAt == nil && job.finishedAt == nil && job.worker == nil)
            #expect(try await store.attempts(jobID: id).count == 1)
        }
        let again = try await store.claim(queues: ["default"], limit: 2, worker: "w2", now: t0 + 10, leaseUntil: t0 + 1_000)
        #expect(Set(again.map(\.id)) == [done.id, dead.id] && again.allSatisfy { $0.attempt == 2 })
    }
}
