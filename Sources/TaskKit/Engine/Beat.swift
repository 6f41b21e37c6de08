import Logging

/// What a beat did with one schedule at one look.
public struct BeatReport: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// Enqueued job `jobID` (`created` false: a live job with the template's unique key was found instead).
        case fired(jobID: Int64, created: Bool)
        /// Another beat (or an earlier look) fired this tick.
        case alreadyFired
        /// The tick is older than the misfire grace and the schedule's policy is `skip`.
        case skippedMisfire
        /// The job could not be built or the store refused it.
        case failed(String)
    }

    public var schedule: String
    /// The tick: the scheduled fire time.
    public var tick: Millis
    /// Ticks due since the last fire (more than one after downtime; one fire covers them all).
    public var dueTicks: Int
    public var outcome: Outcome
}

/// A look at the schedules that the store cut short: what was done before (fired schedules' reports) and why it
/// stopped (the store down, or busy for two schedules in a row).
public struct BeatInterrupted: Error, CustomStringConvertible {
    public let reports: [BeatReport]
    public let error: TaskqError
    public var description: String { error.description }
}

/// Fires periodic schedules into the store. Any number of beats may run over one store, on any hosts: a tick fires
/// once because the store records a unique fire key (schedule, tick) in the same atomic operation that enqueues the
/// job, and refuses ticks at or before the last one fired. Its mutable state is behind locks, so `tick`, `run` and
/// `stop` may be called from any task.
public final class Beat: @unchecked Sendable {
    let store: TaskqStore
    let config: TaskqConfig
    let registry: TaskRegistry
    let logger: Logger
    /// Longest sleep between looks at the store, so schedules added, paused or removed elsewhere are seen.
    public var refreshMillis: Millis {
        get { state.withLock { $0.refreshMillis } }
        set { state.withLock { $0.refreshMillis = newValue } }
    }
    private let wake = AsyncEvent()
    private let stopped = Locked(false)
    private let state = Locked(State())

    /// What a beat remembers between looks.
    private struct State {
        var refreshMillis: Millis = 1000
        /// Problems (catalog, job templates) already logged: each is logged once, not at every look.
        var loggedProblems = Set<String>()
        /// Whether taskq.toml's schedules have state records (created once per process).
        var registered = false
    }

    public init(store: TaskqStore, config: TaskqConfig, registry: TaskRegistry, logger: Logger) {
        self.store = store
        self.config = config
        self.registry = registry
        self.logger = logger
    }

    /// Fires every schedule that is due at `now`: at most one fire per schedule, for its latest due tick. A schedule
    /// that cannot fire is reported as `failed` without holding up the others. A store that is down, or busy for two
    /// schedules in a row (it would fail them all, each after its own wait), throws `BeatInterrupted` with the reports
    /// of what was done before.
    public func tick(now: Millis) async throws -> [BeatReport] {
        try await look(now: now).reports
    }

    private func look(now: Millis) async throws -> (reports: [BeatReport], catalog: ScheduleCatalog) {
        var catalog = try await ScheduleCatalog.load(store: store, config: config, now: now,
                                                     register: !state.withLock { $0.registered })
        state.withLock { $0.registered = true }
        // A taskq.toml schedule whose record disappeared (`schedule remove` of a stored namesake) gets a new one.
        let unrecorded = catalog.schedules.filter { $0.definition.source == .config && $0.record == nil }.map(\.name)
        if !unrecorded.isEmpty {
            try await store.registerSchedules(names: unrecorded, now: now)
            catalog = try await ScheduleCatalog.load(store: store, config: config, now: now, register: false)
        }
        for problem in catalog.problems where isNew(problem) { logger.warning("\(problem)") }
        var reports: [BeatReport] = []
        // Task names workers have announced, asked only when some schedule's task is unknown here.
        let due = catalog.schedules.filter { !$0.paused }
        let storeTasks = try await JobBuilder.announcedTasks(
            for: due.filter { !$0.definition.force }.map(\.taskName), registry: registry, store: store)
        var busyInARow = 0
        for schedule in due {
            var failure: (error: TaskqError, tick: Millis, due: Int)
            do {
                if let report = try await fire(schedule, now: now, storeTasks: storeTasks) { reports.append(report) }
                busyInARow = 0
                continue
            } catch let failed as FireFailed {
                failure = (failed.error, failed.tick, failed.due)
            } catch let error as TaskqError {
                failure = (error, now, 0)
            }
            // A store that is down fails every schedule alike, and one busy or read-only for two schedules in a row
            // most likely will too: the look ends (exit 69 or 75 for `beat --once`; a running beat retries) instead
            // of waiting out each schedule in turn. One busy schedule alone (a lock, a race) is reported and skipped.
            switch failure.error {
            case .unavailable, .interrupted: throw BeatInterrupted(reports: reports, error: failure.error)
            case .temporary:
                busyInARow += 1
                if busyInARow >= 2 { throw BeatInterrupted(reports: reports, error: failure.error) }
            default: busyInARow = 0
            }
            logger.error("schedule \(schedule.name): \(failure.error.description)")
            reports.append(BeatReport(schedule: schedule.name, tick: failure.tick, dueTicks: failure.due, outcome: .failed(failure.error.description)))
        }
        return (reports, catalog)
    }

    private func fire(_ schedule: ActiveSchedule, now: Millis, storeTasks: Set<String>) async throws -> BeatReport? {
        let definition = schedule.definition
        // Beat runs only schedules with a record (registered above); a stored fire or skip needs its mark.
        guard let record = schedule.record else { return nil }
        let since = record.firedThrough
        guard let latest = definition.expression.latestFire(after: since, notAfter: now) else { return nil }
        if definition.misfire == .skip && now - latest > MisfirePolicy.graceMillis {
            // Recorded in the store, so no beat (this one after a restart, or another) reports these ticks again.
            let due = definition.expression.fireCount(after: since, through: latest)
            guard try await store.skipTicks(name: definition.name, through: latest, seen: record.mark, now: now) else { return nil }
            logger.notice("schedule \(definition.name): skipped \(due) missed tick(s) up to \(TimeFormat.iso8601(latest)) (misfire = skip)")
            return BeatReport(schedule: definition.name, tick: latest, dueTicks: due, outcome: .skippedMisfire)
        }
        let due = definition.expression.fireCount(after: since, through: latest)
        var warnings: [String] = []
        let job: NewJob
        do {
            // Unknown task names are refused at enqueue, as for create-job, unless the schedule says --force.
            let builder = JobBuilder(config: config, registry: registry, storeTasks: storeTasks, force: definition.force,
                                     keyNames: definition.source == .config)
            var built = try builder.build(definition.jobRequest, now: now, warnings: &warnings)
            built.runAt = latest
            job = built
        } catch let error as TaskqError {
            let problem = "schedule \(definition.name): cannot build its job: \(error.description)"
            if isNew(problem) { logger.error("\(problem)") }
            return BeatReport(schedule: definition.name, tick: latest, dueTicks: due, outcome: .failed(error.description))
        }
        let outcome: BeatReport.Outcome
        let fired: FireResult
        do {
            fired = try await store.fireSchedule(name: definition.name, tick: latest, seen: record.mark, job: job, now: now)
        } catch let error as TaskqError {
            throw FireFailed(error: error, tick: latest, due: due)
        }
        switch fired {
        case let .fired(result):
            outcome = .fired(jobID: result.id, created: result.created)
            let missed = due > 1 ? " (one fire for \(due) missed ticks)" : ""
            logger.info("schedule \(definition.name): fired tick \(TimeFormat.iso8601(latest)) as job \(result.id)\(result.created ? "" : " (live job with its unique key)")\(missed)")
        case .alreadyFired:
            outcome = .alreadyFired
            logger.debug("schedule \(definition.name): tick \(TimeFormat.iso8601(latest)) already fired")
        case .paused, .unknownSchedule:
            return nil
        }
        return BeatReport(schedule: definition.name, tick: latest, dueTicks: due, outcome: outcome)
    }

    /// A store error while firing one schedule, with the tick it was for.
    private struct FireFailed: Error {
        let error: TaskqError
        let tick: Millis
        let due: Int
    }

    /// Runs until `stop()`: fires what is due, then sleeps until the next tick (at most `refreshMillis`). Store errors
    /// are logged and retried; a tick missed meanwhile fires late under the schedule's misfire policy.
    public func run(clock: @escaping @Sendable () -> Millis = { Clock.now() }) async {
        logger.info("beat started: backend \(store.backend), \(config.schedules.count) schedule(s) in taskq.toml")
        for warning in await store.durabilityWarnings() { logger.warning("\(warning)") }
        var failures = 0
        while !stopped.withLock({ $0 }) {
            let now = clock()
            var sleepMillis = refreshMillis
            do {
                let (_, catalog) = try await look(now: now)
                failures = 0
                if let next = catalog.schedules.compactMap({ $0.upcoming(after: now, count: 1).first }).min() {
                    sleepMillis = max(1, min(refreshMillis, next - clock()))
                }
            } catch {
                failures += 1
                sleepMillis = min(30_000, 1000 * Millis(1 << min(failures, 5)))
                logger.error("beat: \(error); retrying in \(sleepMillis / 1000)s")
            }
            await sleep(millis: sleepMillis)
        }
        logger.info("beat stopped")
    }

    /// Whether `problem` was not logged before (it is remembered as logged now).
    private func isNew(_ problem: String) -> Bool {
        state.withLock { $0.loggedProblems.insert(problem).inserted }
    }

    /// Makes `run()` return after its current look.
    public func stop() {
        stopped.withLock { $0 = true }
        wake.signal()
    }

    private func sleep(millis: Millis) async {
        guard millis > 0, !stopped.withLock({ $0 }) else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wake.wait() }
            group.addTask { try? await Task.sleep(nanoseconds: UInt64(millis) * 1_000_000) }
            await group.next()
            group.cancelAll()
        }
    }
}
