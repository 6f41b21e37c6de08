import Logging
import Testing
@testable import TaskKit

/// A stored schedule definition for tests.
func scheduleJSON(_ cron: String, task: String = "noop", misfire: MisfirePolicy = .fireOnce, zone: String = "UTC") throws -> JSONValue {
    var job = JobRequest()
    job.task = task
    return try ScheduleDefinition(name: "x", expression: ScheduleExpression(cron, timeZone: zone), misfire: misfire, job: job, source: .store).json
}

@Suite("Conformance: schedules, fire keys and beat")
struct ScheduleConformanceTests {
    let logger = Logger(label: "test.beat")

    func jobs(_ store: TaskqStore) async throws -> [Job] {
        try await store.list(JobFilter(limit: 100_000))
    }

    @Test(arguments: Backend.allCases)
    func addListPauseResumeRemove(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let definition = try scheduleJSON("*/5 * * * *")
        #expect(try await store.addSchedule(name: "report", definition: definition, now: t0))
        #expect(try await store.addSchedule(name: "report", definition: definition, now: t0 + 1) == false)
        try await store.registerSchedules(names: ["from-toml"], now: t0 + 2)
        try await store.registerSchedules(names: ["from-toml"], now: t0 + 3) // keeps the first baseline
        var records = try await store.schedules()
        #expect(records.map(\.name) == ["from-toml", "report"])
        #expect(records[0].definition == nil && records[0].baselineAt == t0 + 2)
        #expect(records[1].definition == definition && records[1].baselineAt == t0 && !records[1].paused && records[1].lastFireAt == nil)

        #expect(try await store.setSchedulePaused(name: "report", paused: true, now: t0 + 10))
        #expect(try await store.setSchedulePaused(name: "nope", paused: true, now: t0 + 10) == false)
        #expect(try await store.schedules().first { $0.name == "report" }?.paused == true)
        #expect(try await store.setSchedulePaused(name: "report", paused: false, now: t0 + 20))
        records = try await store.schedules()
        #expect(records[1].paused == false && records[1].baselineAt == t0 + 20)
        // Resuming a schedule that is not paused keeps its baseline.
        #expect(try await store.setSchedulePaused(name: "report", paused: false, now: t0 + 30))
        #expect(try await store.schedules()[1].baselineAt == t0 + 20)

        // A taskq.toml schedule's state record is not removable, but `add` may take over its name.
        #expect(try await store.removeSchedule(name: "from-toml") == false)
        #expect(try await store.addSchedule(name: "from-toml", definition: definition, now: t0 + 40))
        #expect(try await store.removeSchedule(name: "report"))
        #expect(try await store.removeSchedule(name: "report") == false)
        #expect(try await store.schedules().map(\.name) == ["from-toml"])
    }

    func mark(_ store: TaskqStore, _ name: String = "s") async throws -> ScheduleMark {
        try #require(try await store.schedules().first { $0.name == name }).mark
    }

    /// A fire applies only while the record has the mark it was decided on (compare-and-set): a second fire on the
    /// same reading, a paused schedule and a removed one enqueue nothing.
    @Test(arguments: Backend.allCases)
    func aFireAppliesOnlyToTheRecordItWasDecidedOn(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.addSchedule(name: "s", definition: try scheduleJSON("* * * * *"), now: t0)
        let tick = t0 + 60_000
        let seen = try await mark(store)
        #expect(seen == ScheduleMark(baselineAt: t0, lastFireAt: nil))
        let first = try await store.fireSchedule(name: "s", tick: tick, seen: seen, job: newJob("s", runAt: tick), now: tick + 5)
        guard case let .fired(result) = first else { Issue.record("not fired: \(first)"); return }
        #expect(result.created)
        #expect(try await store.fireSchedule(name: "s", tick: tick, seen: seen, job: newJob("s"), now: tick + 6) == .alreadyFired)
        #expect(try await store.fireSchedule(name: "s", tick: tick + 60_000, seen: seen, job: newJob("s"), now: tick + 6) == .alreadyFired)
        #expect(try await store.skipTicks(name: "s", through: tick + 60_000, seen: seen, now: tick + 7) == false)
        #expect(try await store.fireSchedule(name: "gone", tick: tick, seen: seen, job: newJob("s"), now: tick) == .unknownSchedule)
        let job = try #require(try await store.job(id: result.id))
        #expect(job.runAt == tick && job.state == .pending && job.name == "s")
        let record = try #require(try await store.schedules().first)
        #expect(record.lastFireAt == tick && record.lastJobID == result.id && record.firedThrough == tick)
        #expect(record.mark == ScheduleMark(baselineAt: t0, lastFireAt: tick))

        _ = try await store.setSchedulePaused(name: "s", paused: true, now: tick + 10)
        #expect(try await store.fireSchedule(name: "s", tick: tick + 60_000, seen: try await mark(store), job: newJob("s"),
                                             now: tick + 60_001) == .paused)
        #expect(try await store.skipTicks(name: "s", through: tick + 60_000, seen: try await mark(store), now: tick + 60_001) == false)
        #expect(try await jobs(store).count == 1)
    }

    @Test(arguments: Backend.allCases)
    func concurrentFiresOfOneTickEnqueueOnce(backend: Backend) async throws {
        let location = try await backend.makeLocation()
        let a = try await location.migrated()
        let b = try await location.open()
        _ = try await a.addSchedule(name: "s", definition: try scheduleJSON("* * * * *"), now: t0)
        var fired = 0
        for minute in 1...40 {
            let tick = t0 + Millis(minute) * 60_000
            let seen = try await mark(a)
            async let x = a.fireSchedule(name: "s", tick: tick, seen: seen, job: newJob("s", runAt: tick), now: tick)
            async let y = b.fireSchedule(name: "s", tick: tick, seen: seen, job: newJob("s", runAt: tick), now: tick)
            let results = try await [x, y]
            fired += results.filter { if case .fired = $0 { return true } else { return false } }.count
            #expect(results.contains(.alreadyFired))
        }
        #expect(fired == 40)
        #expect(try await jobs(a).count == 40)
    }

    @Test(arguments: Backend.allCases)
    func twoBeatsOverManyTicksFireEachTickExactlyOnce(backend: Backend) async throws {
        let location = try await backend.makeLocation()
        let storeA = try await location.migrated()
        let storeB = try await location.open()
        _ = try await storeA.addSchedule(name: "minutely", definition: try scheduleJSON("* * * * *"), now: t0)
        let config = try TaskqConfig(json: .obj(("schedules", .obj(("every-20s", .obj(("cron", .string("@every 20s")), ("task", .string("noop"))))))))
        let beatA = Beat(store: storeA, config: config, registry: .builtins(), logger: logger)
        let beatB = Beat(store: storeB, config: config, registry: .builtins(), logger: logger)
        // Both register the taskq.toml schedule at t0, then look at the same moments and at moments of their own.
        _ = try await beatA.tick(now: t0)
        _ = try await beatB.tick(now: t0)
        let minutes = 90
        for minute in 1...minutes {
            let base = t0 + Millis(minute) * 60_000
            for second in stride(from: 0, to: 60, by: 10) {
                let now = base + Millis(second) * 1000
                let (jitterA, jitterB) = (Millis.random(in: 0...999), Millis.random(in: 0...999))
                async let x = beatA.tick(now: now + jitterA)
                async let y = beatB.tick(now: now + jitterB)
                _ = try await (x, y)
            }
        }
        let all = try await jobs(storeA)
        let minutely = all.filter { $0.name == "minutely" }.map(\.runAt)
        let every20 = all.filter { $0.name == "every-20s" }.map(\.runAt)
        #expect(minutely.count == minutes && Set(minutely).count == minutes)
        // @every 20s from t0 (a multiple of 20 s) over 90 minutes: 270 ticks, the last at t0 + 90 min.
        #expect(every20.count == minutes * 3 && Set(every20).count == minutes * 3)
        #expect(Set(minutely) == Set((1...minutes).map { t0 + Millis($0) * 60_000 }))
    }

    @Test(arguments: Backend.allCases)
    func misfireFireOnceCollapsesMissedTicks(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.addSchedule(name: "m", definition: try scheduleJSON("* * * * *"), now: t0)
        let beat = Beat(store: store, config: TaskqConfig(), registry: .builtins(), logger: logger)
        // Down for an hour: one fire, for the latest tick, covering 60.
        let reports = try await beat.tick(now: t0 + 3_600_000 + 30_000)
        #expect(reports.count == 1)
        #expect(reports.first?.tick == t0 + 3_600_000 && reports.first?.dueTicks == 60)
        #expect(try await jobs(store).map(\.runAt) == [t0 + 3_600_000])
        // The next look in the same minute fires nothing; the next minute fires its tick.
        #expect(try await beat.tick(now: t0 + 3_600_000 + 50_000).isEmpty)
        _ = try await beat.tick(now: t0 + 3_660_000 + 10)
        #expect(try await jobs(store).count == 2)
    }

    @Test(arguments: Backend.allCases)
    func misfireSkipDropsStaleTicks(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.addSchedule(name: "m", definition: try scheduleJSON("*/10 * * * *", misfire: .skip), now: t0)
        let beat = Beat(store: store, config: TaskqConfig(), registry: .builtins(), logger: logger)
        // t0 is 2027-01-15T08:00:00Z; the 08:50 tick is 5 minutes old at 08:55: skipped.
        let reports = try await beat.tick(now: t0 + 55 * 60_000)
        #expect(reports.map(\.outcome) == [.skippedMisfire] && reports.first?.tick == t0 + 50 * 60_000 && reports.first?.dueTicks == 5)
        #expect(try await jobs(store).isEmpty)
        // The skip is recorded in the store: neither this beat nor a fresh one reports those ticks again.
        #expect(try await store.schedules().first?.baselineAt == t0 + 50 * 60_000)
        #expect(try await beat.tick(now: t0 + 56 * 60_000).isEmpty)
        #expect(try await Beat(store: store, config: TaskqConfig(), registry: .builtins(), logger: logger).tick(now: t0 + 57 * 60_000).isEmpty)
        // A tick within the grace (59 s late) fires.
        _ = try await beat.tick(now: t0 + 60 * 60_000 + 59_000)
        #expect(try await jobs(store).map(\.runAt) == [t0 + 60 * 60_000])
    }

    @Test(arguments: Backend.allCases)
    func aRunningBeatRecreatesTheRecordOfAFileScheduleWhoseStoredNamesakeWasRemoved(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.addSchedule(name: "dup", definition: try scheduleJSON("@daily"), now: t0)
        let config = try TaskqConfig(json: .obj(("schedules", .obj(("dup", .obj(("cron", .string("* * * * *")), ("task", .string("noop"))))))))
        let beat = Beat(store: store, config: config, registry: .builtins(), logger: logger)
        _ = try await beat.tick(now: t0 + 60_000)
        #expect(try await store.removeSchedule(name: "dup"))
        _ = try await beat.tick(now: t0 + 90_000) // a new record, ticks counting from here
        let reports = try await beat.tick(now: t0 + 120_000)
        #expect(reports.count == 1 && reports.first?.tick == t0 + 120_000)
        guard case .fired(_, true)? = reports.first?.outcome else { Issue.record("not fired: \(reports)"); return }
    }

    @Test(arguments: Backend.allCases)
    func ticksMissedWhilePausedNeverFire(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.addSchedule(name: "p", definition: try scheduleJSON("* * * * *"), now: t0)
        let beat = Beat(store: store, config: TaskqConfig(), registry: .builtins(), logger: logger)
        _ = try await store.setSchedulePaused(name: "p", paused: true, now: t0 + 1000)
        #expect(try await beat.tick(now: t0 + 600_000).isEmpty)
        _ = try await store.setSchedulePaused(name: "p", paused: false, now: t0 + 610_000)
        #expect(try await beat.tick(now: t0 + 620_000).isEmpty)
        _ = try await beat.tick(now: t0 + 660_000)
        #expect(try await jobs(store).map(\.runAt) == [t0 + 660_000])
    }

    @Test(arguments: Backend.allCases)
    func conditionalRetryLeavesOtherStatesAlone(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let id = try await store.enqueue([newJob(maxRetries: 1)], now: t0)[0].id
        let job = try #require(try await store.claim(queues: ["default"], limit: 1, worker: "w", now: t0, leaseUntil: t0 + 1000).first)
        _ = try await store.finish([JobOutcome(jobID: job.id, attempt: 1, worker: "w",
                                               kind: .retry(error: "x", runAt: t0 + 60_000, outcome: .failed))], now: t0)
        // A bulk "retry failed jobs" that listed this job earlier must not cut its back-off short.
        #expect(try await store.retry(id: id, now: t0 + 1, from: [.failed]) == .notRetryable(.retrying))
        let after = try #require(try await store.job(id: id))
        #expect(after.state == .retrying && after.runAt == t0 + 60_000)
        #expect(try await store.retry(id: id, now: t0 + 2, from: [.failed, .retrying]) == .retried)
        // It runs now, with its retry budget; the last attempt's error and times go, as for a finished job.
        let retried = try #require(try await store.job(id: id))
        #expect(retried.state == .pending && retried.runAt == t0 + 2 && retried.attempt == 1)
        #expect(retried.error == nil && retried.startedAt == nil && retried.finishedAt == nil && retried.worker == nil, "\(retried)")
        #expect(try await store.attempts(jobID: id).first?.error == "x")
    }

    @Test(arguments: Backend.allCases)
    func purgeableCountsMatchPurge(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.enqueue((0..<5).map { newJob("j\($0)") }, now: t0)
        let claimed = try await store.claim(queues: ["default"], limit: 5, worker: "w", now: t0, leaseUntil: t0 + 10_000)
        let outcomes = claimed.enumerated().map { i, job in
            JobOutcome(jobID: job.id, attempt: 1, worker: "w",
                       kind: i < 3 ? .completed(result: .null) : .failed(error: "x", outcome: .failed), finishedAt: t0 + Millis(i / 2))
        }
        _ = try await store.finish(outcomes, now: t0 + 10)
        #expect(try await store.purgeableCounts(states: [.completed, .failed, .cancelled], finishedBefore: t0 + 100) == [.completed: 3, .failed: 2])
        #expect(try await store.purgeableCounts(states: [.completed], finishedBefore: t0 + 1) == [.completed: 2])
        if let redis = store as? RedisStore {
            // Small pages over finish times shared by several jobs: the score cursor neither skips nor repeats.
            for page in 1...3 {
                #expect(try await redis.purgeableCounts(states: [.completed, .failed], finishedBefore: t0 + 100, page: page)
                        == [.completed: 3, .failed: 2])
            }
        }
        #expect(try await store.purge(states: [.completed, .failed], finishedBefore: t0 + 100, limit: 100) == 5)
        #expect(try await store.purgeableCounts(states: [.completed, .failed], finishedBefore: t0 + 100).isEmpty)
    }
}
