import Foundation
import Testing

@Suite("End to end: worker processes, signals and crashes")
struct WorkerProcessTests {
    @Test func killedWorkerJobIsRescuedAndCompletedByAnother() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let id = try cli.run(["create-job", "long", "--task", "sleep", "--args", #"{"seconds":4}"#]).stdout.trimmed
        let first = try cli.start(["run-worker", "--lease", "1s", "--poll-interval", "50ms"])
        try cli.waitUntil(30, "the job to start") { try cli.jobState(id) == "running" }
        first.signal(SIGKILL)
        _ = try first.wait(timeout: 10)
        #expect(try cli.jobState(id) == "running") // stuck until its lease expires and someone rescues it
        let second = try cli.start(["run-worker", "--lease", "1s", "--poll-interval", "50ms"])
        try cli.waitUntil(30, "the rescued job to complete") { try cli.jobState(id) == "completed" }
        second.signal(SIGTERM)
        #expect(try second.wait(timeout: 30).status == 0)
        let job = try cli.object(["show-job", id, "--json"])
        let outcomes = (job["history"] as? [[String: Any]] ?? []).compactMap { $0["outcome"] as? String }
        #expect(outcomes == ["lost", "completed"])
        #expect(job["attempts"] as? Int == 2)
    }

    @Test func aShellJobsProcessesDieWithAWorkerKilledBySIGKILL() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let pids = cli.path("pids")
        // The job, a child in the background and a grandchild that ignores SIGTERM, each writing its pid.
        let script = "echo $$ >> \(pids); sleep 300 & echo $! >> \(pids); " +
            "sh -c 'trap \"\" TERM; echo $$ >> \(pids); sleep 300' & wait"
        let id = try cli.run(["create-job", "orphans", "--", "sh", "-c", script]).stdout.trimmed
        let worker = try cli.start(["run-worker", "--poll-interval", "50ms"])
        try cli.waitUntil(30, "the job to start its processes") { Self.pids(in: pids).count >= 3 }
        #expect(try cli.jobState(id) == "running")
        let started = Self.pids(in: pids)
        #expect(started.allSatisfy(Self.isAlive))
        worker.signal(SIGKILL)
        _ = try worker.wait(timeout: 10)
        try cli.waitUntil(5, "every process of the job to die with its worker") { !started.contains(where: Self.isAlive) }
    }

    static func pids(in path: String) -> [Int32] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
    }

    /// Alive and not a zombie (an orphan's zombie waits for init, which may be slow to reap it in a container).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    @Test func anSQLiteProcessDoesNotLoadTheServerClientLibraries() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let worker = try cli.start(["run-worker"])
        Thread.sleep(forTimeInterval: 0.5)
        // /proc files report size 0: read to EOF rather than by size.
        let maps = String(decoding: FileHandle(forReadingAtPath: "/proc/\(worker.pid)/maps")?.readDataToEndOfFile() ?? Data(), as: UTF8.self)
        worker.signal(SIGTERM)
        #expect(try worker.wait(timeout: 30).status == 0)
        #expect(maps.contains("libsqlite3"))
        #expect(!maps.contains("libpq") && !maps.contains("libhiredis") && !maps.contains("libgssapi"))
    }

    @Test func sigtermLetsTheRunningJobFinishThenExitsZero() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let id = try cli.run(["create-job", "wrap-up", "--task", "sleep", "--args", #"{"seconds":1}"#]).stdout.trimmed
        let queued = try cli.run(["create-job", "queued", "--task", "noop", "--in", "3s"]).stdout.trimmed
        let worker = try cli.start(["run-worker", "--poll-interval", "50ms", "--grace-period", "20s"])
        try cli.waitUntil(30, "the job to start") { try cli.jobState(id) == "running" }
        worker.signal(SIGTERM)
        let result = try worker.wait(timeout: 30)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try cli.jobState(id) == "completed")
        #expect(try cli.jobState(queued) == "scheduled")
    }

    /// A second signal cuts the grace period short: the running job is released at once (back to pending) and the
    /// log says why, not that the grace period ran out.
    @Test func aSecondSignalReleasesTheRunningJobAtOnce() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let id = try cli.run(["create-job", "long", "--task", "sleep", "--args", #"{"seconds":60}"#]).stdout.trimmed
        let worker = try cli.start(["run-worker", "--poll-interval", "50ms", "--grace-period", "60s"])
        try cli.waitUntil(30, "the job to start") { try cli.jobState(id) == "running" }
        worker.signal(SIGTERM)
        Thread.sleep(forTimeInterval: 0.3)
        worker.signal(SIGINT)
        let result = try worker.wait(timeout: 20)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("second stop request: stopping and releasing 1 running job(s)"), "\(result.stderr)")
        #expect(!result.stderr.contains("grace period over"), "\(result.stderr)")
        #expect(try cli.jobState(id) == "pending")
    }

    /// A worker whose log reader went away (`run-worker 2>&1 | head -1`, a dead `tee`) keeps working instead of
    /// dying of SIGPIPE with its jobs left running; SIGHUP (its terminal closed) stops it gracefully.
    @Test func aClosedLogPipeDoesNotKillAWorkerAndSIGHUPStopsIt() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["run-worker", "--poll-interval", "50ms", "--log-level", "debug"]
        process.currentDirectoryURL = URL(fileURLWithPath: cli.dir)
        process.environment = cli.environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try pipe.fileHandleForReading.close()
        try pipe.fileHandleForWriting.close()
        let ids = try (0..<5).map { try cli.run(["create-job", "j\($0)", "--task", "noop"]).stdout.trimmed }
        try cli.waitUntil(30, "every job to complete") { try ids.allSatisfy { try cli.jobState($0) == "completed" } }
        #expect(process.isRunning)
        let sleeper = try cli.run(["create-job", "nap", "--task", "sleep", "--args", #"{"seconds":1}"#]).stdout.trimmed
        try cli.waitUntil(30, "the sleeper to start") { try cli.jobState(sleeper) == "running" }
        kill(process.processIdentifier, SIGHUP)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        #expect(try cli.jobState(sleeper) == "completed")
    }

    @Test func sigtermReleasesJobsClaimedAheadAndFinishesTheRunningOne() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        // Quick jobs first (the worker learns its jobs are short and claims ahead), then a 3 s job that holds the only
        // slot while the jobs behind it wait, claimed, in the worker's backlog.
        let lines = (0..<3).map { #"{"name":"q\#($0)","task":"noop","priority":9}"# }
            + [#"{"name":"hold","task":"sleep","args":{"seconds":3},"priority":5}"#]
            + (0..<8).map { #"{"name":"b\#($0)","task":"noop","priority":0}"# }
        let ids = try cli.run(["create-job", "--from-file", "-"], stdin: lines.joined(separator: "\n")).lines
        #expect(ids.count == 12)
        let hold = ids[3], behind = Array(ids.suffix(8))
        let worker = try cli.start(["run-worker", "--concurrency", "1", "--poll-interval", "50ms", "--grace-period", "20s"])
        try cli.waitUntil(30, "the backlog to hold every job behind the running one") {
            (try cli.run(["list-jobs", "--state", "running", "--json"]).json as? [[String: Any]])?.count == 9
        }
        worker.signal(SIGTERM)
        try cli.waitUntil(10, "the backlog to be released") { try behind.allSatisfy { try cli.jobState($0) == "pending" } }
        let result = try worker.wait(timeout: 30)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try cli.jobState(hold) == "completed")
        for id in behind {
            let job = try cli.object(["show-job", id, "--json"])
            let outcomes = (job["history"] as? [[String: Any]] ?? []).compactMap { $0["outcome"] as? String }
            #expect(outcomes == ["released"], "\(job)") // given back without running: not against its retries
        }
    }

    /// Found by an operator sweep: after `kill -9`, the jobs the worker had claimed ahead but never started were
    /// rescued as lost attempts, so a job with no retries failed without ever running. Now they go back unstarted
    /// (`released`); only the running job loses its attempt.
    @Test func sigkillGivesBackJobsClaimedAheadWithoutCountingAnAttempt() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let lines = (0..<3).map { #"{"name":"q\#($0)","task":"noop","priority":9,"max_retries":0}"# }
            + [#"{"name":"hold","task":"sleep","args":{"seconds":30},"priority":5,"max_retries":0}"#]
            + (0..<8).map { #"{"name":"b\#($0)","task":"noop","priority":0,"max_retries":0}"# }
        let ids = try cli.run(["create-job", "--from-file", "-"], stdin: lines.joined(separator: "\n")).lines
        #expect(ids.count == 12)
        let hold = ids[3], behind = Array(ids.suffix(8))
        let worker = try cli.start(["run-worker", "--concurrency", "1", "--lease", "1s", "--poll-interval", "50ms"])
        try cli.waitUntil(30, "the backlog to hold every job behind the running one") {
            (try cli.run(["list-jobs", "--state", "running", "--json"]).json as? [[String: Any]])?.count == 9
        }
        // The worker tells the store within a heartbeat (here well under a second) that "hold" started.
        try cli.waitUntil(10, "the store to know the running job started") {
            (try cli.object(["show-job", hold, "--json"]))["started_at"] is String
        }
        worker.signal(SIGKILL)
        _ = try worker.wait(timeout: 10)
        Thread.sleep(forTimeInterval: 1.2)
        let rescued = try cli.run(["rescue", "--json"])
        #expect(rescued.status == 0, "\(rescued.stderr)")
        #expect(try cli.jobState(hold) == "failed")  // it was running: its one attempt is lost
        for id in behind {
            #expect(try cli.jobState(id) == "pending", "job \(id) never started")
            let job = try cli.object(["show-job", id, "--json"])
            let history = job["history"] as? [[String: Any]] ?? []
            #expect(history.compactMap { $0["outcome"] as? String } == ["released"], "\(job)")
            #expect((history.first?["error"] as? String)?.contains("given back, not counted") == true, "\(job)")
        }
        #expect(try cli.run(["run-worker", "--burst"]).status == 0)
        for id in behind { #expect(try cli.jobState(id) == "completed") }
    }

    @Test func timeoutKillsAShellJobsProcessGroup() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let marker = cli.path("should-not-exist")
        let id = try cli.run(["create-job", "stuck", "--timeout", "500ms", "--max-retries", "0", "--",
                              "sh", "-c", "sleep 20 & wait; touch \(marker)"]).stdout.trimmed
        let worker = try cli.start(["run-worker", "--poll-interval", "50ms", "--kill-grace", "1s"])
        try cli.waitUntil(30, "the job to time out") { try cli.jobState(id) == "failed" }
        worker.signal(SIGTERM)
        _ = try worker.wait(timeout: 30)
        let job = try cli.object(["show-job", id, "--json"])
        #expect((job["error"] as? String)?.contains("timed out") == true)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func cancellingARunningShellJobEndsItCancelled() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let marker = cli.path("finished")
        let id = try cli.run(["create-job", "cancel-me", "--", "sh", "-c", "sleep 10; touch \(marker)"]).stdout.trimmed
        let worker = try cli.start(["run-worker", "--poll-interval", "50ms"])
        try cli.waitUntil(30, "the job to start") { try cli.jobState(id) == "running" }
        let cancel = try cli.run(["cancel", id, "--json"])
        let cancelled = cancel.json as? [String: Any]
        #expect(cancel.status == 0 && cancelled?["state"] as? String == "running" && cancelled?["cancel_requested"] as? Bool == true)
        try cli.waitUntil(30, "the job to end cancelled") { try cli.jobState(id) == "cancelled" }
        worker.signal(SIGTERM)
        _ = try worker.wait(timeout: 30)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func twoWorkerProcessesRunFiveHundredJobsExactlyOnce() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let lines = (0..<500).map { #"{"name":"n\#($0)","task":"noop","priority":\#($0 % 11)}"# }.joined(separator: "\n")
        #expect(try cli.run(["create-job", "--from-file", "-"], stdin: lines).lines.count == 500)
        let workers = try (0..<2).map { i in
            try cli.start(["run-worker", "--burst", "--concurrency", "8", "--worker-id", "w\(i)", "--log-level", "warning"])
        }
        for worker in workers { #expect(try worker.wait(timeout: 120).status == 0) }
        let jobs = try cli.run(["list-jobs", "--json", "--limit", "1000"]).json as? [[String: Any]] ?? []
        #expect(jobs.count == 500)
        #expect(jobs.allSatisfy { $0["state"] as? String == "completed" && $0["attempts"] as? Int == 1 })
        let byWorker = Dictionary(grouping: jobs, by: { $0["worker"] as? String ?? "" })
        #expect(Set(byWorker.keys).isSubset(of: ["w0", "w1"]))
        let stats = try cli.object(["stats", "--json"])
        #expect((stats["by_state"] as? [String: Int])?["completed"] == 500)
    }
}
