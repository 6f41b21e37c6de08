import Foundation
import Testing

/// Every backend the binary runs against.
enum AnyBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres, redis
    var testDescription: String { rawValue }

    func cli() throws -> CLI {
        switch self {
        case .sqlite: return try CLI()
        case .postgres: return try ServerBackend.postgres.cli()
        case .redis: return try ServerBackend.redis.cli()
        }
    }
}

extension AnyBackend {
    /// A CLI on a fresh, migrated store of this backend.
    func migratedCLI() throws -> CLI {
        let cli = try cli()
        let migrated = try cli.run(["migrate"])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        return cli
    }
}

/// Sleeps until `offset` seconds past the next multiple of `period` seconds of the wall clock.
func sleepUntilAfterBoundary(period: Double, offset: Double) {
    let now = Date().timeIntervalSince1970
    let target = (floor(now / period) + 1) * period + offset
    Thread.sleep(forTimeInterval: target - now)
}

@Suite("End to end: schedules, beat and maintenance commands")
struct BeatAndMaintenanceTests {
    @Test func scheduleCommandsRoundTrip() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        try """
            [schedules.from-file]
            cron = "0 6 * * mon-fri"
            timezone = "America/New_York"
            task = "echo"
            args = { greeting = "morning" }
            misfire = "skip"
            """.write(toFile: cli.path("taskq.toml"), atomically: true, encoding: .utf8)
        let added = try cli.object(["schedule", "add", "report", "--cron", "30 2 * * *", "--tz", "Europe/Berlin", "--task", "echo",
                                    "--queue", "reports", "--priority", "high", "--job-name", "daily report", "--json"])
        let addedJob = added["job"] as? [String: Any] ?? [:]
        #expect(added["name"] as? String == "report" && added["timezone"] as? String == "Europe/Berlin" && addedJob["queue"] as? String == "reports")
        #expect(addedJob["name"] as? String == "daily report" && addedJob["priority"] as? Int == 8 && addedJob["task"] as? String == "echo")
        #expect((added["next_fires"] as? [String])?.count == 3)
        #expect(try cli.run(["schedule", "add", "report", "--cron", "@daily", "--task", "echo"]).status == 1)
        #expect(try cli.run(["schedule", "add", "from-file", "--cron", "@daily", "--task", "echo"]).status == 1)

        var list = try cli.run(["schedule", "list", "--json", "--next", "2"]).json as? [[String: Any]] ?? []
        #expect(list.map { $0["name"] as? String } == ["from-file", "report"])
        #expect(list[0]["source"] as? String == "taskq.toml" && list[0]["misfire"] as? String == "skip")
        #expect((list[0]["next_fires"] as? [String])?.allSatisfy { $0.hasSuffix("T11:00:00.000Z") || $0.hasSuffix("T10:00:00.000Z") } == true)
        #expect((list[1]["next_fires"] as? [String])?.count == 2)
        let table = try cli.run(["schedule", "list"]).stdout
        #expect(table.contains("NEXT FIRES") && table.contains("30 2 * * *") && table.contains("Europe/Berlin"))

        #expect(try cli.run(["schedule", "pause", "report"]).stdout.contains("paused"))
        #expect(try cli.run(["schedule", "pause", "from-file", "--json"]).status == 0)
        list = try cli.run(["schedule", "list", "--json"]).json as? [[String: Any]] ?? []
        #expect(list.allSatisfy { $0["paused"] as? Bool == true && ($0["next_fires"] as? [Any])?.isEmpty == true })
        #expect(try cli.run(["schedule", "resume", "report"]).stdout.contains("active"))
        // Resuming an active schedule changes nothing, and says so.
        let again = try cli.run(["schedule", "resume", "report"])
        #expect(again.status == 0 && again.stderr.contains("was not paused; nothing to resume"), "\(again.stderr)")
        #expect((try cli.object(["schedule", "resume", "report", "--json"])["changed"] as? Bool) == false)
        #expect(try cli.run(["schedule", "pause", "nope"]).status == 1)

        #expect(try cli.run(["schedule", "remove", "from-file"]).status == 1)
        #expect((try cli.object(["schedule", "pause", "report", "--json"])["paused"] as? Bool) == true)
        let removed = try cli.object(["schedule", "remove", "report", "--json"])
        #expect(removed["name"] as? String == "report" && removed["status"] as? String == "removed")
        #expect(try cli.run(["schedule", "remove", "report"]).status == 1)
        list = try cli.run(["schedule", "list", "--json"]).json as? [[String: Any]] ?? []
        #expect(list.map { $0["name"] as? String } == ["from-file"])

        // Deleted from taskq.toml, its state record stays behind but the schedule is gone for pause and resume.
        try "".write(toFile: cli.path("taskq.toml"), atomically: true, encoding: .utf8)
        for verb in ["pause", "resume"] {
            let result = try cli.run(["schedule", verb, "from-file"])
            #expect(result.status == 1 && result.stderr.contains("no schedule named 'from-file'"), "\(verb): \(result.stderr)")
        }
        #expect((try cli.run(["schedule", "list", "--json"]).json as? [Any])?.isEmpty == true)
    }

    @Test func invalidSchedulesAndDurationsAreRefusedWithNothingStored() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let refusals: [([String], String)] = [
            (["schedule", "add", "x", "--cron", "61 * * * *", "--task", "noop"], "minute field"),
            (["schedule", "add", "x", "--cron", "* * * jan-foo *", "--task", "noop"], "month field"),
            (["schedule", "add", "x", "--cron", "* * *", "--task", "noop"], "expected 5 fields"),
            (["schedule", "add", "x", "--cron", "@every 5 parsecs", "--task", "noop"], "@every"),
            (["schedule", "add", "x", "--cron", "@daily", "--tz", "Moon/Base", "--task", "noop"], "time zone"),
            (["schedule", "add", "x", "--cron", "@daily", "--task", "noop", "--misfire", "sometimes"], "misfire"),
            (["schedule", "add", "x", "--cron", "@daily", "--task", "nope"], "unknown task"),
            (["schedule", "add", "x", "--cron", "@daily", "--task", "noop", "--timeout", "forever"], "duration"),
            (["schedule", "add", "x y", "--cron", "@daily", "--task", "noop"], "schedule name"),
            (["purge", "--older-than", "a while"], "older-than"),
            (["purge", "--older-than", "1d", "--state", "running"], "finished jobs only"),
            (["retry", "--state", "pending"], "failed or cancelled"),
            (["beat", "--json"], "--once"),
        ]
        for (args, mention) in refusals {
            let result = try cli.run(args)
            #expect(result.status == 64, "taskq \(args.joined(separator: " ")): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(mention), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        // Malformed or mistyped JSON in --args is bad input data, as for create-job.
        for (args, mention) in [(["--args", "[1]"], "JSON object"), (["--args", "{oops"], "JSON")] {
            for command in [["schedule", "add", "x", "--cron", "@daily", "--task", "echo"], ["create-job", "x", "--task", "echo"]] {
                let result = try cli.run(command + args)
                #expect(result.status == 65 && result.stderr.contains(mention) && result.stdout.isEmpty, "\(command + args): \(result.stderr)")
            }
        }
        #expect((try cli.run(["schedule", "list", "--json"]).json as? [Any])?.isEmpty == true)
        // A bad [schedules.NAME] table is bad input data (65), naming the table.
        try "[schedules.bad]\ncron = \"0 25 * * *\"\ntask = \"noop\"\n".write(toFile: cli.path("taskq.toml"), atomically: true, encoding: .utf8)
        let config = try cli.run(["beat", "--once"])
        #expect(config.status == 65 && config.stderr.contains("[schedules.bad]") && config.stderr.contains("hour field"), "\(config.stderr)")
        // Job options are checked when the file is read, not at every tick.
        try "[schedules.urgent]\ncron = \"@daily\"\ntask = \"noop\"\npriority = \"urgent\"\n".write(toFile: cli.path("taskq.toml"), atomically: true, encoding: .utf8)
        let job = try cli.run(["schedule", "list"])
        #expect(job.status == 65 && job.stderr.contains("[schedules.urgent]") && job.stderr.contains("priority"), "\(job.stderr)")
    }

    @Test(arguments: AnyBackend.allCases)
    func beatOnceFromTwoProcessesAtTheSameMomentFiresOnce(backend: AnyBackend) throws {
        let cli = try backend.cli()
        try cli.run(["migrate"])
        #expect(try cli.run(["schedule", "add", "tick", "--cron", "@every 3s", "--task", "noop"]).status == 0)
        for round in 1...2 {
            // Start both just after a tick, so neither can see a later one.
            sleepUntilAfterBoundary(period: 3, offset: 0.3)
            let runs = try (0..<2).map { _ in try cli.start(["beat", "--once", "--json"]) }
            let results = try runs.map { try $0.wait(timeout: 30) }
            #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
            let outcomes = results.flatMap { ($0.json as? [[String: Any]]) ?? [] }.compactMap { $0["outcome"] as? String }.sorted()
            // The slower process either loses the race for the fire key or already sees the tick as fired.
            #expect(outcomes.filter { $0 == "fired" }.count == 1 && outcomes.allSatisfy { $0 == "fired" || $0 == "already_fired" },
                    "round \(round): \(outcomes)")
        }
        let jobs = try cli.run(["list-jobs", "--json"]).json as? [[String: Any]] ?? []
        #expect(jobs.count == 2 && Set(jobs.compactMap { $0["run_at"] as? String }).count == 2)
        #expect(jobs.allSatisfy { $0["name"] as? String == "tick" })
    }

    @Test(arguments: AnyBackend.allCases)
    func twoContinuousBeatsFireEachTickOnce(backend: AnyBackend) throws {
        let cli = try backend.cli()
        try cli.run(["migrate"])
        try "[schedules.every-second]\ncron = \"@every 1s\"\ntask = \"noop\"\n".write(toFile: cli.path("taskq.toml"), atomically: true, encoding: .utf8)
        let started = Date()
        let beats = try (0..<2).map { _ in try cli.start(["beat"]) }
        Thread.sleep(forTimeInterval: 6)
        beats.forEach { $0.signal(SIGTERM) }
        let results = try beats.map { try $0.wait(timeout: 30) }
        let elapsed = Date().timeIntervalSince(started)
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        let ticks = (try cli.run(["list-jobs", "--json", "--limit", "1000"]).json as? [[String: Any]] ?? []).compactMap { $0["run_at"] as? String }
        #expect(Set(ticks).count == ticks.count, "a tick fired twice: \(ticks.sorted())")
        #expect(ticks.count >= 4 && Double(ticks.count) <= elapsed + 1, "\(ticks.count) fires in \(elapsed)s")
        // Both processes took part in firing (the fire key, not luck, kept them apart).
        #expect(results.allSatisfy { $0.stderr.contains("beat started") })
    }

    @Test func unknownTasksAreRefusedAtFireTimeUnlessForced() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        try """
            [schedules.unknown]
            cron = "@every 1s"
            task = "no-such-task"

            [schedules.forced]
            cron = "@every 1s"
            task = "no-such-task"
            force = true
            """.write(toFile: cli.path("taskq.toml"), atomically: true, encoding: .utf8)
        let list = try cli.run(["schedule", "list"])
        #expect(list.status == 0 && list.stderr.contains("unknown task 'no-such-task'"), "\(list.stderr)")
        _ = try cli.run(["beat", "--once"]) // first sight: ticks count from now
        sleepUntilAfterBoundary(period: 1, offset: 0.2)
        let fired = try cli.run(["beat", "--once", "--json"])
        #expect(fired.status == 1 && fired.stderr.contains("could not fire: unknown"), "\(fired.stderr)")
        let outcomes = (fired.json as? [[String: Any]] ?? []).map { "\($0["schedule"] ?? "")=\($0["outcome"] ?? "")" }.sorted()
        #expect(outcomes == ["forced=fired", "unknown=failed"], "\(outcomes)")
        #expect((try cli.run(["list-jobs", "--json"]).json as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["forced"])
    }

    @Test func aNameInBothTheFileAndTheStoreCanBeCleanedUp() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        #expect(try cli.run(["schedule", "add", "dup", "--cron", "@daily", "--task", "noop"]).status == 0)
        try "[schedules.dup]\ncron = \"@hourly\"\ntask = \"noop\"\n".write(toFile: cli.path("taskq.toml"), atomically: true, encoding: .utf8)
        let list = try cli.run(["schedule", "list", "--json"])
        #expect(list.stderr.contains("defined both"))
        #expect((list.json as? [[String: Any]])?.first?["cron"] as? String == "@hourly")
        let removed = try cli.run(["schedule", "remove", "dup"])
        #expect(removed.status == 0 && removed.stderr.contains("still defines"), "\(removed.stderr)")
        #expect(try cli.run(["schedule", "list"]).stderr.isEmpty)
        // A beat gives the file's schedule a fresh record, so it keeps firing.
        try "[schedules.dup]\ncron = \"@every 1s\"\ntask = \"noop\"\n".write(toFile: cli.path("taskq.toml"), atomically: true, encoding: .utf8)
        _ = try cli.run(["beat", "--once"])
        sleepUntilAfterBoundary(period: 1, offset: 0.2)
        #expect(try cli.run(["beat", "--once"]).stdout.contains("dup: fired"))
    }

    @Test func configScheduleFiresFromACronStyleBeatOnce() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        try """
            [schedules.nightly]
            cron = "@every 2s"
            command = ["echo", "hello"]
            queue = "maintenance"
            """.write(toFile: cli.path("taskq.toml"), atomically: true, encoding: .utf8)
        #expect(try cli.run(["beat", "--once"]).stdout.isEmpty) // first sight: ticks count from now
        sleepUntilAfterBoundary(period: 2, offset: 0.3)
        let fired = try cli.run(["beat", "--once"])
        #expect(fired.status == 0 && fired.stdout.contains("nightly: fired") && fired.stdout.contains("as job 1"), "\(fired.stdout) \(fired.stderr)")
        let job = try cli.object(["show-job", "1", "--json"])
        #expect(job["task"] as? String == "shell" && job["queue"] as? String == "maintenance" && job["name"] as? String == "nightly")
        #expect(try cli.run(["run-worker", "--burst", "--queue", "maintenance"]).status == 0)
        #expect(try cli.jobState("1") == "completed")
    }

    @Test(arguments: AnyBackend.allCases)
    func purgeRetryAndRescue(backend: AnyBackend) throws {
        let cli = try backend.cli()
        try cli.run(["migrate"])
        for i in 1...3 { try cli.run(["create-job", "ok\(i)", "--task", "noop"]) }
        let failing = try cli.run(["create-job", "bad", "--task", "fail", "--max-retries", "0", "--queue", "other"]).stdout.trimmed
        #expect(try cli.run(["run-worker", "--burst", "--queue", "default", "--queue", "other"]).status == 0)

        // Bulk retry of dead jobs, by queue, dry run first.
        let dry = try cli.object(["retry", "--state", "failed", "--queue", "other", "--dry-run", "--json"])
        #expect((dry["jobs"] as? [Int])?.map(String.init) == [failing] && dry["count"] as? Int == 1 && dry["dry_run"] as? Bool == true)
        #expect(try cli.jobState(failing) == "failed")
        #expect((try cli.object(["retry", "--state", "failed", "--queue", "default", "--json"])["jobs"] as? [Int])?.isEmpty == true)
        #expect((try cli.object(["retry", "--state", "failed", "--json"])["jobs"] as? [Int])?.map(String.init) == [failing])
        #expect(try cli.jobState(failing) == "pending")
        #expect(try cli.run(["run-worker", "--burst", "--queue", "other"]).status == 0)
        #expect(try cli.jobState(failing) == "failed")

        // Purge: nothing is old enough at 1h; everything at 0s; the dry run deletes nothing.
        #expect(try cli.object(["purge", "--older-than", "1h", "--json"])["count"] as? Int == 0)
        let preview = try cli.object(["purge", "--older-than", "0s", "--dry-run", "--json"])
        #expect(preview["by_state"] as? [String: Int] == ["completed": 3, "failed": 1, "cancelled": 0] && preview["count"] as? Int == 4)
        #expect(preview["dry_run"] as? Bool == true)
        #expect(try cli.run(["purge", "--older-than", "0s", "--state", "failed"]).stdout.contains("Deleted 1 job(s)"))
        #expect(try cli.run(["show-job", failing]).status == 1)
        #expect(try cli.object(["purge", "--older-than", "0s", "--json"])["count"] as? Int == 3)
        #expect((try cli.run(["list-jobs", "--json"]).json as? [Any])?.isEmpty == true)

        // Rescue: a worker killed mid-job leaves a running job with a lease that expires.
        let id = try cli.run(["create-job", "long", "--task", "sleep", "--args", #"{"seconds":5}"#]).stdout.trimmed
        let worker = try cli.start(["run-worker", "--lease", "1s", "--poll-interval", "50ms"])
        try cli.waitUntil(30, "the job to start") { try cli.jobState(id) == "running" }
        worker.signal(SIGKILL)
        _ = try worker.wait(timeout: 10)
        try cli.waitUntil(30, "the lease to expire") {
            ((try cli.object(["rescue", "--dry-run", "--json"])["jobs"] as? [[String: Any]]) ?? []).count == 1
        }
        #expect(try cli.jobState(id) == "running")
        let rescued = try cli.object(["rescue", "--json"])["jobs"] as? [[String: Any]] ?? []
        #expect(rescued.count == 1 && rescued.first?["state"] as? String == "retrying" && (rescued.first?["id"] as? Int).map(String.init) == id)
        #expect(try cli.run(["rescue"]).stdout.contains("No expired leases"))
        let history = try cli.object(["show-job", id, "--json"])["history"] as? [[String: Any]] ?? []
        #expect(history.compactMap { $0["outcome"] as? String } == ["lost"])
    }
}

@Suite("End to end: maintenance commands from two cron lines at once")
struct ConcurrentMaintenanceTests {
    @Test(arguments: AnyBackend.allCases)
    func bulkRetryAndPurgeTwiceAtOnceActOnEachJobOnce(backend: AnyBackend) throws {
        let cli = try backend.cli()
        try cli.run(["migrate"])
        let count = 1500
        let lines = (0..<count).map { #"{"name":"dead-\#($0)","task":"fail","max_retries":0}"# }.joined(separator: "\n")
        #expect(try cli.run(["create-job", "--from-file", "-"], stdin: lines).status == 0)
        #expect(try cli.run(["run-worker", "--burst", "--concurrency", "50", "--log-level", "error"]).status == 0)

        let retries = try (0..<2).map { _ in try cli.start(["retry", "--state", "failed", "--json"]) }
        let retried = try retries.map { try $0.wait(timeout: 120) }
        #expect(retried.allSatisfy { $0.status == 0 }, "\(retried.map(\.stderr))")
        let ids = retried.flatMap { (($0.json as? [String: Any])?["jobs"] as? [Int]) ?? [] }
        #expect(ids.count == count && Set(ids).count == count)
        #expect((try cli.object(["stats", "--json"])["by_state"] as? [String: Int])?["pending"] == count)

        #expect(try cli.run(["run-worker", "--burst", "--concurrency", "50", "--log-level", "error"]).status == 0)
        let purges = try (0..<2).map { _ in try cli.start(["purge", "--older-than", "0s", "--batch-size", "200", "--json"]) }
        let purged = try purges.map { try $0.wait(timeout: 120) }
        #expect(purged.allSatisfy { $0.status == 0 }, "\(purged.map(\.stderr))")
        #expect(purged.compactMap { ($0.json as? [String: Any])?["count"] as? Int }.reduce(0, +) == count)
        #expect((try cli.object(["stats", "--json"])["total"] as? Int) == 0)
    }
}
