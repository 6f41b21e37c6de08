#if canImport(Glibc)
import Glibc
#endif
import Logging

/// The job engine: claims due work in batches (its free slots, plus a backlog claimed ahead while jobs finish fast:
/// `Prefetch`), runs handlers with timeouts, decides each attempt's outcome (retry maths lives here), records outcomes
/// in batches, renews leases, rescues expired ones and shuts down gracefully. Written once over `TaskqStore`; every
/// backend gets the same behaviour.
public final class Worker: @unchecked Sendable {
    let store: TaskqStore
    let registry: TaskRegistry
    let options: WorkerOptions
    let logger: Logger
    /// The tasks this worker has handlers for: it claims only those.
    private let taskNames: [String]
    private let event = AsyncEvent()
    private let state: Locked<SharedState>

    /// Why the worker stopped a running job.
    enum StopReason: Sendable { case timeout, cancel, lost, shutdown }

    private struct Running {
        var job: Job
        var task: Task<Void, Never>?
        var stopReason: StopReason?
        /// The store knows the job started (its claim said so, or a heartbeat has told it since): a rescue after
        /// this worker dies counts the attempt as lost instead of giving the job back unstarted.
        var startKnown: Bool
    }

    private struct SharedState {
        /// Jobs in slots (started), by id.
        var running: [Int64: Running] = [:]
        /// Jobs claimed ahead of the free slots, not started yet; held (leased) like running ones.
        var backlog = Backlog()
        var prefetch: Prefetch
        var outcomes: [JobOutcome] = []
        /// Claimed jobs released unstarted while running on (not at a stop): no longer counted toward `--max-tasks`.
        var givenBack = 0
        var stopRequests = 0
        var graceDeadline: Double?
        /// The run's summary's ended attempts (completed, retried, failed, cancelled), for `finishedAttempts`.
        var finished = 0
        /// When the oldest running job whose start the store does not know yet was started (monotonic seconds).
        var startUnknownSince: Double?
    }

    /// How long a job claimed ahead runs before the worker tells the store it started (jobs that end sooner tell
    /// it with their outcome): a rescue after that counts its attempt, before it gives the job back unstarted.
    static let startReportDelay = 0.05

    public init(store: TaskqStore, registry: TaskRegistry, options: WorkerOptions, logger: Logger) {
        self.store = store
        self.registry = registry
        self.taskNames = registry.entries.map(\.info.name)
        var options = options
        options.queues = options.queues.uniqued() // `-q a,a` reads queue a once
        self.options = options
        self.logger = logger
        self.state = Locked(SharedState(prefetch: Prefetch(concurrency: options.concurrency, limit: options.prefetchLimit,
                                                                        horizon: options.prefetchHorizon)))
    }

    /// Asks the worker to stop: the first call stops claiming and lets in-flight jobs finish within the grace
    /// period; a second call releases them at once.
    /// Jobs claimed ahead (not started) are released at once, without counting as attempts.
    public func stop() {
        let (requests, released, running): (Int, Int, Int) = state.withLock { s in
            s.stopRequests += 1
            let now = Clock.monotonicSeconds()
            s.graceDeadline = s.stopRequests == 1 ? now + Double(options.gracePeriodMillis) / 1000 : now
            return (s.stopRequests, release(s.backlog.removeAll(), into: &s), s.running.count)
        }
        if requests == 1 {
            logger.info("shutdown requested: no new jobs; waiting up to \(DurationParser.format(options.gracePeriodMillis)) for running jobs")
        } else if running == 0 {
            // With jobs running, `releaseAll` says it once, with their number.
            logger.info("second stop request: nothing is running")
        }
        if released > 0 { logger.notice("releasing \(released) prefetched job(s) that had not started") }
        event.signal()
    }

    /// Queues `released` outcomes for jobs that never started (not attempts: they go back to the queue as they
    /// were); returns how many. Only a stop ends the worker's count of them toward `--max-tasks`.
    private func release(_ jobs: [Job], into s: inout SharedState, because reason: String? = nil) -> Int {
        let now = Clock.now()
        s.outcomes += jobs.map { job in
            var outcome = JobOutcome(job: job, worker: options.workerID, kind: .released, finishedAt: now)
            outcome.releaseReason = reason
            return outcome
        }
        if reason != nil { s.givenBack += jobs.count }
        return jobs.count
    }

    /// Runs until stopped, `maxTasks` is reached, or (in burst mode) no job is due. Throws only when the store is
    /// unusable at start; later store errors are retried with back-off.
    public func run() async throws -> WorkerSummary {
        try await store.requireSchema()
        let startedAt = Clock.now()
        try await store.registerWorker(record(startedAt: startedAt, now: startedAt, summary: WorkerSummary()))
        try await store.announceTasks(registry.entries.map(\.info), worker: options.workerID, now: startedAt)
        logger.info("worker \(options.workerID) started: queues \(options.queues.joined(separator: ", ")), concurrency \(options.concurrency), backend \(store.backend)")
        for warning in await store.durabilityWarnings() { logger.warning("\(warning)") }

        var summary = WorkerSummary()
        summary.rescued += await rescue()
        var claimedTotal = 0
        var nextHeartbeat = Clock.monotonicSeconds() + Double(options.heartbeatMillis) / 1000
        var nextRescue = Clock.monotonicSeconds() + Double(options.rescueMillis) / 1000
        var nextTouch = Clock.monotonicSeconds() + Double(options.touchMillis) / 1000
        var storeFailures = 0

        while true {
            // 1. Record finished attempts in one batch. A failing store does not stop heartbeats or shutdown.
            var flushFailed = false
            let outcomes = state.withLock { s -> [JobOutcome] in let o = s.outcomes; s.outcomes.removeAll(); return o }
            if !outcomes.isEmpty {
                do {
                    tally(try await OutcomeRecorder.record(outcomes, in: store, now: Clock.now()), into: &summary)
                    storeFailures = 0
                } catch {
                    state.withLock { s in s.outcomes.insert(contentsOf: outcomes, at: 0) }
                    storeFailures += 1
                    flushFailed = true
                    await backOff(after: error, failures: storeFailures, doing: "record \(outcomes.count) outcomes")
                }
            }

            let (held, stopping, graceDeadline, request, givenBack, startingNow) = state.withLock { s in
                defer { s.givenBack = 0 }
                let free = options.concurrency - s.running.count
                // Free slots the backlog will not fill: the first jobs of this claim start in them at once.
                return (s.running.count + s.backlog.count, s.stopRequests > 0, s.graceDeadline,
                        s.prefetch.request(free: free, backlog: s.backlog.count), s.givenBack, max(0, free - s.backlog.count))
            }
            claimedTotal -= givenBack
            let graceOver = graceDeadline.map { Clock.monotonicSeconds() >= $0 } ?? false
            let maxReached = options.maxTasks.map { claimedTotal >= $0 } ?? false
            if (stopping || maxReached) && held == 0 && state.withLock({ $0.outcomes.isEmpty }) { break }
            if stopping && graceOver {
                releaseAll()
                // Past the grace period and the kill grace: give up on handlers that ignore cancellation and on a
                // store that cannot record outcomes; their jobs are rescued when their leases expire.
                if let graceDeadline, Clock.monotonicSeconds() >= graceDeadline + Double(options.killGraceMillis) / 1000 + 2 {
                    let left = state.withLock { s in (s.running.count, s.outcomes.count) }
                    logger.error("exiting with \(left.0) job(s) still running and \(left.1) outcome(s) unrecorded; their leases will expire and they will be rescued")
                    break
                }
            }

            // 2. Renew leases (of running and prefetched jobs) and rescue on schedule.
            let mono = Clock.monotonicSeconds()
            if mono >= nextHeartbeat {
                nextHeartbeat = mono + Double(options.heartbeatMillis) / 1000
                await heartbeat()
            } else if let since = state.withLock({ $0.startUnknownSince }), mono >= since + Self.startReportDelay {
                await heartbeat(startsOnly: true)
            }
            // Not while its own outcomes wait to be written (the store was just unreachable): those go first.
            if mono >= nextRescue && !flushFailed {
                nextRescue = mono + Double(options.rescueMillis) / 1000
                summary.rescued += await rescue()
            }
            if mono >= nextTouch {
                nextTouch = mono + Double(options.touchMillis) / 1000
                await touch(startedAt: startedAt, summary: summary)
            }
            trimBacklog()

            // 3. Claim for the free slots and the backlog (`Prefetch`), when the backlog runs low.
            var limit = request
            if let maxTasks = options.maxTasks { limit = min(limit, maxTasks - claimedTotal) }
            var claimed = 0
            var claimTried = false
            if !stopping && !flushFailed && limit > 0 {
                claimTried = true
                do {
                    let now = Clock.now()
                    let jobs = try await store.claim(queues: options.queues, tasks: taskNames, limit: limit, startingNow: min(startingNow, limit),
                                                     worker: options.workerID, now: now, leaseUntil: now + options.leaseMillis)
                    storeFailures = 0
                    claimed = jobs.count
                    claimedTotal += jobs.count
                    admit(jobs, asked: limit)
                } catch {
                    storeFailures += 1
                    await backOff(after: error, failures: storeFailures, doing: "claim jobs")
                    continue
                }
            }
            if options.burst && claimTried && claimed == 0
                && state.withLock({ $0.running.isEmpty && $0.backlog.isEmpty && $0.outcomes.isEmpty }) {
                let note = await burstExitNote()
                logger.info("burst: no job is due\(note); exiting")
                break
            }
            if claimed > 0 && claimed == limit { continue }

            // 4. Wait for a finished job, a stop request, new work, or the next timer.
            // Idle workers have no leases to renew: they wake for new work, the poll interval, the next rescue or the
            // next touch (so an idle worker never looks lost).
            let (idle, startUnknownSince) = state.withLock { ($0.running.isEmpty && $0.backlog.isEmpty, $0.startUnknownSince) }
            let nextTimer = idle ? min(nextRescue, nextTouch)
                : min(nextHeartbeat, nextRescue, nextTouch, startUnknownSince.map { $0 + Self.startReportDelay } ?? .infinity)
            let untilTimer = max(0.001, nextTimer - Clock.monotonicSeconds())
            let pollSeconds = Double(options.pollIntervalMillis) / 1000
            let watchStore = claimTried && claimed < limit
            await waitForEvent(timeout: min(untilTimer, pollSeconds), watchStore: watchStore)
        }

        try? await store.unregisterWorker(id: options.workerID)
        logger.info("worker \(options.workerID) stopped: \(summary.completed) completed, \(summary.retried) retried, \(summary.failed) failed, \(summary.cancelled) cancelled, \(summary.released) released")
        return summary
    }

    // MARK: Running jobs

    /// Takes claimed jobs: into free slots first, the rest into the backlog; released at once when a stop was
    /// requested while they were being claimed.
    private func admit(_ jobs: [Job], asked: Int) {
        let now = Clock.monotonicSeconds()
        let (startNow, released): ([Job], Int) = state.withLock { s in
            s.prefetch.claimed(jobs.count, asked: asked)
            guard s.stopRequests == 0 else { return ([], release(jobs, into: &s)) }
            s.backlog.add(jobs, at: now)
            return (takeStartable(&s), 0)
        }
        if released > 0 { logger.notice("releasing \(released) job(s) claimed as the worker was stopping") }
        for job in startNow { launch(job) }
    }

    /// Moves backlog jobs into free slots (none once stopping); the caller launches them outside the lock. A job
    /// whose lease may have run out (no heartbeat renewed it for most of the lease: the store was unreachable) is
    /// released instead of started, since another worker may have rescued it.
    private func takeStartable(_ s: inout SharedState) -> [Job] {
        guard s.stopRequests == 0 else { return [] }
        var jobs: [Job] = [], stale: [Job] = []
        let now = Clock.monotonicSeconds(), leaseSeconds = Double(options.leaseMillis) / 1000
        while s.running.count < options.concurrency, let entry = s.backlog.popFirst() {
            if now - entry.leaseFrom > leaseSeconds * 0.8 { stale.append(entry.job); continue }
            s.running[entry.job.id] = Running(job: entry.job, task: nil, stopReason: nil, startKnown: entry.job.startedAt != nil)
            if entry.job.startedAt == nil && s.startUnknownSince == nil { s.startUnknownSince = now }
            jobs.append(entry.job)
        }
        if !stale.isEmpty { _ = release(stale, into: &s, because: JobMessages.releasedLeaseUnrenewed) }
        return jobs
    }

    /// Starts the handler of a job already placed in `running`.
    private func launch(_ job: Job) {
        let startFirst = job.startedAt == nil && JobMessages.followsWorkerDeath(job.error)
        let task = Task { [self] in
            if startFirst {
                guard await recordStartFirst(job) else { return }
                if let timeout = job.timeoutMillis { armTimeout(job, timeout) }
            }
            let started = Clock.monotonicSeconds(), startedAt = Clock.now()
            let (kind, endedAt) = await execute(job)
            finishJob(job, kind: kind, startedAt: startedAt, endedAt: endedAt, seconds: Clock.monotonicSeconds() - started)
        }
        // A stop that came between placing the job and creating its task is passed on now.
        let stopped = state.withLock { s -> Bool in
            s.running[job.id]?.task = task
            return s.running[job.id]?.stopReason != nil
        }
        if stopped { task.cancel() }
        if !startFirst, let timeout = job.timeoutMillis { armTimeout(job, timeout) }
    }

    /// A job whose last worker died under it (its `error` says so: given back by a rescue, or lost) may kill workers
    /// within `startReportDelay` of starting. Claimed ahead again, it runs only once the store has recorded its start,
    /// so that its next death counts; its timeout starts then too. Returns false when it must not run: cancelled, no
    /// longer this worker's, the worker stopping (each ended here), or its start could not be recorded (given back,
    /// not counted).
    private func recordStartFirst(_ job: Job) async -> Bool {
        /// How a job that must not run ends here.
        enum Unstarted { case dropped, cancelled, released(reason: String?) }
        let ending: Unstarted
        do {
            let now = Clock.now()
            let reply = try await store.heartbeat(jobIDs: [job.id], started: [job.id], worker: options.workerID, now: now,
                                                  leaseUntil: now + options.leaseMillis)
            let stop: StopReason? = state.withLock { s in
                guard s.running[job.id]?.job.attempt == job.attempt else { return .lost }
                s.running[job.id]?.startKnown = true
                return s.running[job.id]?.stopReason ?? (s.stopRequests > 0 ? .shutdown : nil)
            }
            if reply.lost.contains(job.id) || stop == .lost {
                logger.warning("job \(job.id): lease lost before it started (rescued or finished elsewhere); dropping it")
                ending = .dropped
            } else if reply.cancel.contains(job.id) || stop == .cancel {
                logger.notice("job \(job.id): cancellation requested before it started; not running it")
                ending = .cancelled
            } else if stop != nil {
                ending = .released(reason: nil)   // the worker is stopping: released unstarted, as the backlog is
            } else {
                return true
            }
        } catch {
            logger.warning("job \(job.id): could not record its start (\(error)); giving it back unstarted")
            ending = .released(reason: JobMessages.releasedStartUnrecorded)
        }
        let next: [Job] = state.withLock { s in
            guard s.running[job.id]?.job.attempt == job.attempt else { return [] }
            s.running.removeValue(forKey: job.id)
            switch ending {
            case .dropped: break
            case .cancelled:
                s.outcomes.append(JobOutcome(job: job, worker: options.workerID,
                                             kind: .cancelled(error: JobMessages.cancelledBeforeRun, outcome: .cancelled, result: nil),
                                             finishedAt: Clock.now()))
            case let .released(reason): _ = release([job], into: &s, because: reason)
            }
            return takeStartable(&s)
        }
        for job in next { launch(job) }
        event.signal()
        return false
    }

    /// Releases the backlog once the next job in it has waited `WorkerOptions.backlogPatienceMillis` (1 s) for a slot:
    /// the running jobs turned out longer than the backlog was sized for, so other workers should run what waits
    /// here, and the backlog is sized for jobs that long from then on.
    private func trimBacklog() {
        let released: Int = state.withLock { s in
            guard let next = s.backlog.first else { return 0 }
            let waited = Clock.monotonicSeconds() - next.claimedAt
            guard waited >= Double(options.backlogPatienceMillis) / 1000 else { return 0 }
            s.prefetch.slotsBusy(seconds: waited)
            return release(s.backlog.removeAll(), into: &s, because: JobMessages.releasedSlotsBusy)
        }
        if released > 0 {
            logger.info("releasing \(released) prefetched job(s): the slots are busy with longer jobs")
            event.signal()
        }
    }

    /// Runs the handler and decides the outcome (nil when the job is no longer ours to report); also returns when the
    /// attempt ended, which is both its recorded finish time and the base of its retry back-off.
    private func execute(_ job: Job) async -> (JobOutcome.Kind?, Millis) {
        guard let handler = registry.handler(named: job.task) else {
            let now = Clock.now()
            return (job.failure(error: "worker \(options.workerID) has no handler for task '\(job.task)'", outcome: .failed, at: now), now)
        }
        var jobLogger = logger
        // The job's fields are made only when one of its records is written. Most jobs write none (the completion
        // record passes its own fields), and merging them into the handler's metadata for every job cost ~5 % of a
        // drain's CPU. A handler without metadata-provider support gets them merged as before.
        let fields = Logger.MetadataProvider { Self.metadata(job) }
        jobLogger.handler.metadataProvider = logger.handler.metadataProvider.map { .multiplex([$0, fields]) } ?? fields
        if jobLogger.handler.metadataProvider == nil { jobLogger.handler.metadata.merge(Self.metadata(job)) { $1 } }
        jobLogger.debug("job \(job.id) started: \(job.name) [\(job.task)] attempt \(job.attempt)")
        let output = JobOutputSink(store: store, jobID: job.id, attempt: job.attempt, worker: options.workerID,
                                   cap: options.outputCapBytes, logger: jobLogger)
        let context = JobContext(job: job, logger: jobLogger, killGraceMillis: options.killGraceMillis, output: output)
        let result: Result<JSONValue, Error>
        do { result = .success(try await handler.run(context)) } catch { result = .failure(error) }
        let endedAt = Clock.now()
        // The output is complete in the store before the outcome is recorded (`taskq logs --follow` relies on it).
        await output.finish()
        let reason = state.withLock { s in s.running[job.id]?.stopReason }
        return (decide(job, reason: reason, result: result, endedAt: endedAt), endedAt)
    }

    private func decide(_ job: Job, reason: StopReason?, result: Result<JSONValue, Error>, endedAt: Millis) -> JobOutcome.Kind? {
        switch (reason, result) {
        case (.lost?, _):
            return nil
        case (.shutdown?, _):
            return .released
        case (.cancel?, _):
            return .cancelled(error: JobMessages.cancelledWhileRunning, outcome: .cancelled, result: nil)
        case (.timeout?, let r):
            var message = "timed out after \(DurationParser.format(job.timeoutMillis ?? 0))"
            if case let .failure(error) = r, let failure = error as? TaskFailure { message += " (\(failure.message))" }
            return job.failure(error: message, outcome: .timeout, at: endedAt)
        case (nil, .success(let value)):
            return .completed(result: value)
        case (nil, .failure(let error)):
            let text = (error as? TaskFailure)?.message ?? (error is CancellationError ? "cancelled" : "\(error)")
            if (error as? TaskFailure)?.permanent == true { return .failed(error: text, outcome: .failed) }
            return job.failure(error: text, outcome: .failed, at: endedAt)
        }
    }

    /// Frees the job's slot, starts the next backlog job in it and queues the outcome. Wakes the worker loop only
    /// when it has something to do: the first outcome since its last flush, the backlog down to its low-water mark,
    /// or nothing left running.
    private func finishJob(_ job: Job, kind rawKind: JobOutcome.Kind?, startedAt: Millis?, endedAt: Millis, seconds: Double) {
        let kind = rawKind.map(Self.storable)
        let (owned, next, wake): (Bool, [Job], Bool) = state.withLock { s in
            guard s.running[job.id]?.job.attempt == job.attempt else { return (false, [], false) }
            s.running.removeValue(forKey: job.id)
            s.prefetch.jobRan(seconds: seconds)
            if let kind {
                s.outcomes.append(JobOutcome(job: job, worker: options.workerID, kind: kind, finishedAt: endedAt, startedAt: startedAt))
            }
            let next = takeStartable(&s)
            let wake = s.outcomes.count == 1 || s.backlog.count == s.prefetch.lowWater || (s.running.isEmpty && s.backlog.isEmpty)
            return (true, next, wake)
        }
        guard owned else { return }
        for job in next { launch(job) }
        log(job, kind, seconds)
        if wake { event.signal() }
    }

    /// Outcomes as every store can hold them: no NUL characters (PostgreSQL text and jsonb reject them).
    static func storable(_ kind: JobOutcome.Kind) -> JobOutcome.Kind {
        switch kind {
        case let .completed(result): return .completed(result: result.withoutNUL())
        case let .retry(error, runAt, outcome): return .retry(error: error.withoutNUL(), runAt: runAt, outcome: outcome)
        case let .failed(error, outcome): return .failed(error: error.withoutNUL(), outcome: outcome)
        case let .cancelled(error, outcome, result):
            return .cancelled(error: error.withoutNUL(), outcome: outcome, result: result?.withoutNUL())
        case .released: return .released
        }
    }

    /// Log fields every record about a job carries (fields of their own in JSON logs): `job_id`, `task`, `queue`,
    /// `attempt`; records of a finished attempt add `duration_ms`. Numbers stay numbers.
    static func metadata(_ job: Job) -> Logger.Metadata {
        ["job_id": .stringConvertible(job.id), "task": .string(job.task), "queue": .string(job.queue),
         "attempt": .stringConvertible(job.attempt)]
    }

    private func log(_ job: Job, _ kind: JobOutcome.Kind?, _ seconds: Double) {
        let level: Logger.Level
        switch kind {
        case .completed?: level = .info
        case .retry?, nil: level = .warning
        case .failed?: level = .error
        case .cancelled?, .released?: level = .notice
        }
        guard logger.logLevel <= level else { return } // a drain of short jobs builds no fields it will not print
        let took = DurationParser.format(Millis(seconds * 1000))
        var fields = Self.metadata(job)
        fields["duration_ms"] = .stringConvertible(Millis(seconds * 1000))
        switch kind {
        case .completed?: logger.info("job \(job.id) completed: \(job.name) [\(job.task)] in \(took)", metadata: fields)
        case let .retry(error, runAt, _)?:
            logger.warning("job \(job.id) attempt \(job.attempt) failed, retry in \(DurationParser.format(max(0, runAt - Clock.now()))): \(error)",
                           metadata: fields)
        case let .failed(error, _)?:
            logger.error("job \(job.id) failed after \(JobMessages.attempts(job.attempt)) in \(took): \(error)", metadata: fields)
        case .cancelled?: logger.notice("job \(job.id) cancelled while running", metadata: fields)
        case .released?: logger.notice("job \(job.id) released at shutdown", metadata: fields)
        case nil: logger.warning("job \(job.id) is no longer held by this worker; its outcome is discarded", metadata: fields)
        }
    }

    /// Stops the job's handler with `reason` (cancels its task; shell tasks' process groups get SIGTERM then SIGKILL).
    private func stopJob(_ id: Int64, reason: StopReason) {
        let task: Task<Void, Never>? = state.withLock { s in
            guard var running = s.running[id], running.stopReason == nil else { return nil }
            running.stopReason = reason
            s.running[id] = running
            return running.task
        }
        task?.cancel()
    }

    private func armTimeout(_ job: Job, _ timeout: Millis) {
        Task { [self] in
            try? await Task.sleep(nanoseconds: UInt64(clamping: timeout).multipliedReportingOverflow(by: 1_000_000).partialValue)
            guard state.withLock({ $0.running[job.id]?.job.attempt == job.attempt }) else { return }
            logger.warning("job \(job.id) exceeded its timeout of \(DurationParser.format(timeout)); stopping it")
            stopJob(job.id, reason: .timeout)
            // A handler that ignores cancellation is abandoned so its slot and outcome are not held forever.
            try? await Task.sleep(nanoseconds: UInt64(options.killGraceMillis + 2_000) * 1_000_000)
            if state.withLock({ $0.running[job.id]?.job.attempt == job.attempt }) {
                let now = Clock.now()
                finishJob(job, kind: job.failure(error: "timed out after \(DurationParser.format(timeout)); handler did not stop and was abandoned",
                                                 outcome: .timeout, at: now), startedAt: nil, endedAt: now, seconds: Double(timeout + options.killGraceMillis) / 1000 + 2)
            }
        }
    }

    /// Stops every running job for release at shutdown: the grace period is over, or a second stop request (which
    /// `stop()` has logged) cut it short.
    private func releaseAll() {
        let (ids, requests) = state.withLock { s in (s.running.filter { $0.value.stopReason == nil }.map(\.key), s.stopRequests) }
        if !ids.isEmpty {
            logger.warning("\(requests == 1 ? "grace period over" : "second stop request"): stopping and releasing \(ids.count) running job(s)")
        }
        for id in ids { stopJob(id, reason: .shutdown) }
    }

    // MARK: Store housekeeping

    /// Renews the leases of running and prefetched jobs. A prefetched job whose cancellation was requested ends
    /// `cancelled` without running; one no longer held is dropped.
    /// Also tells the store which running jobs, claimed ahead, have started since (`Running.startKnown`);
    /// `startsOnly` renews and reports only those (`startReportDelay` after the first of them started).
    private func heartbeat(startsOnly: Bool = false) async {
        let (ids, started) = state.withLock { s in
            let started = s.running.filter { !$0.value.startKnown }.map(\.key)
            s.startUnknownSince = nil
            return (startsOnly ? started : Array(s.running.keys) + s.backlog.ids, started)
        }
        guard !ids.isEmpty else { return }
        do {
            let now = Clock.now(), sentAt = Clock.monotonicSeconds()
            let reply = try await store.heartbeat(jobIDs: ids, started: started, worker: options.workerID, now: now,
                                                  leaseUntil: now + options.leaseMillis)
            let renewed = Set(ids).subtracting(reply.lost)
            state.withLock { s in
                s.backlog.renewed(renewed, at: sentAt)
                for id in started { s.running[id]?.startKnown = true }
            }
            for id in reply.cancel {
                let waiting: Bool = state.withLock { s in
                    guard let job = s.backlog.remove(id: id) else { return false }
                    s.outcomes.append(JobOutcome(job: job, worker: options.workerID,
                                                 kind: .cancelled(error: JobMessages.cancelledBeforeRun, outcome: .cancelled, result: nil),
                                                 finishedAt: Clock.now()))
                    return true
                }
                if waiting {
                    logger.notice("job \(id): cancellation requested before it started; not running it")
                    event.signal()
                } else {
                    logger.notice("job \(id): cancellation requested; stopping it")
                    stopJob(id, reason: .cancel)
                }
            }
            for id in reply.lost {
                if state.withLock({ $0.backlog.remove(id: id) }) != nil {
                    logger.warning("job \(id): lease lost before it started (rescued or finished elsewhere); dropping it")
                } else {
                    logger.warning("job \(id): lease lost (rescued or finished elsewhere); stopping it")
                    stopJob(id, reason: .lost)
                }
            }
        } catch {
            logger.warning("heartbeat failed: \(error)")
        }
    }

    /// This worker's record as registered: its lease length and its tallies so far.
    private func record(startedAt: Millis, now: Millis, summary: WorkerSummary) -> WorkerInfo {
        WorkerInfo(id: options.workerID, host: WorkerOptions.hostName(), pid: Int(getpid()), queues: options.queues,
                   concurrency: options.concurrency, startedAt: startedAt, lastSeen: now, leaseMillis: options.leaseMillis,
                   completed: summary.completed, failed: summary.failedAttempts, retried: summary.retried)
    }

    /// Tells the store this worker is alive, with its tallies (one round trip), busy or idle; registers again when
    /// its record was purged while it was out of touch.
    private func touch(startedAt: Millis, summary: WorkerSummary) async {
        do {
            let now = Clock.now()
            if try await !store.touchWorker(id: options.workerID, now: now, completed: summary.completed, failed: summary.failedAttempts,
                                                retried: summary.retried) {
                logger.notice("worker \(options.workerID) had no record in the store (purged while out of touch); registering again")
                try await store.registerWorker(record(startedAt: startedAt, now: now, summary: summary))
            }
        } catch {
            logger.warning("could not record that worker \(options.workerID) is alive: \(error)")
        }
    }

    /// Never its own jobs: after a store outage longer than the lease, the jobs it still runs or holds outcomes for
    /// have expired leases too, and rescuing them would run them again while their outcomes wait to be written.
    private func rescue() async -> Int {
        do {
            let held = state.withLock { s in Set(s.running.keys).union(s.backlog.ids).union(s.outcomes.map(\.jobID)) }
            let rescued = try await Rescuer.rescueBatch(store: store, now: Clock.now(), limit: 1_000, sparing: held).rescued
            for job in rescued {
                logger.warning("job \(job.id) rescued from worker \(job.worker ?? "?") (lease expired): now \(job.newState.rawValue)")
            }
            return rescued.count
        } catch {
            logger.warning("rescue failed: \(error)")
            return 0
        }
    }

    /// Attempts this worker has recorded as ended so far (completed, retried, failed or cancelled; a release is not
    /// one): what a burst drain's progress counts.
    public var finishedAttempts: Int { state.withLock { $0.finished } }

    private func tally(_ recorded: [JobOutcome], into summary: inout WorkerSummary) {
        for outcome in recorded {
            switch outcome.kind {
            case .completed: summary.completed += 1
            case .retry: summary.retried += 1
            case .failed: summary.failed += 1
            case .cancelled: summary.cancelled += 1
            case .released: summary.released += 1
            }
        }
        let ended = summary.completed + summary.retried + summary.failed + summary.cancelled
        state.withLock { $0.finished = ended }
    }

    private func backOff(after error: Error, failures: Int, doing what: String) async {
        let seconds = min(5.0, 0.05 * Double(1 << min(failures, 7)))
        logger.warning("could not \(what) (attempt \(failures)): \(error); retrying in \(DurationParser.format(Millis(seconds * 1000)))")
        try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
    }

    /// What a burst worker leaves behind in its queues, for its exit line: paused queues (the likely reason jobs
    /// wait), and jobs due later (scheduled, or waiting out a retry delay), which a burst does not wait for.
    private func burstExitNote() async -> String {
        var notes: [String] = []
        let paused = ((try? await store.pausedQueues()) ?? [:]).keys.filter(options.queues.contains).sorted()
        if !paused.isEmpty { notes.append("paused: \(paused.map { TerminalText.escaped($0) }.joined(separator: ", "))") }
        let counts = ((try? await store.counts()) ?? []).filter { options.queues.contains($0.queue) }
        let later = [JobState.retrying, .scheduled].compactMap { state -> String? in
            let count = counts.filter { $0.state == state }.reduce(0) { $0 + $1.count }
            return count > 0 ? "\(count) \(state.rawValue)" : nil
        }
        if !later.isEmpty { notes.append("due later: \(later.joined(separator: ", "))") }
        return notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))"
    }

    private func waitForEvent(timeout: Double, watchStore: Bool) async {
        if event.consume() { return }
        let store = self.store, queues = options.queues, event = self.event
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await event.wait() }
            group.addTask { try? await Task.sleep(nanoseconds: UInt64(timeout * 1e9)) }
            if watchStore { group.addTask { await store.waitForWork(queues: queues, timeout: timeout) } }
            await group.next()
            group.cancelAll()
        }
    }
}
