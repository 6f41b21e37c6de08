import Foundation
import Testing
import TaskqTestSupport

/// The binary against a real, throwaway PostgreSQL (started by the tests on a free loopback port).
@Suite("End to end: PostgreSQL")
struct PostgresEndToEndTests {
    @Test func commandsWorkTheSameOnPostgres() throws {
        let cli = try CLI.postgres()
        #expect(try cli.run(["migrate"]).status == 0)
        #expect(try cli.run(["migrate"]).stdout.contains("No migrations to apply"))
        let id = try cli.run(["create-job", "hello", "--task", "echo", "--args", #"{"n":1}"#, "--priority", "critical"]).stdout.trimmed
        #expect(id == "1")
        #expect(try cli.run(["create-job", "again", "--task", "noop", "--unique-key", "k"]).stdout == cli.run(["create-job", "x", "--task", "noop", "--unique-key", "k"]).stdout)
        #expect(try cli.run(["run-worker", "--burst"]).status == 0)
        let job = try cli.object(["show-job", id, "--json"])
        #expect(job["state"] as? String == "completed" && job["result"] as? [String: Int] == ["n": 1] && job["priority"] as? Int == 10)
        #expect(((job["history"] as? [[String: Any]])?.first?["outcome"] as? String) == "completed")
        #expect((try cli.object(["stats", "--json"])["by_state"] as? [String: Int])?["completed"] == 2)
        #expect(try cli.run(["cancel", id]).status == 1)
        #expect(try cli.run(["show-job", "999"]).status == 1)
    }

    @Test func concurrentMigratesFromManyProcessesAreSafe() throws {
        let cli = try CLI.postgres()
        let runs = try (0..<4).map { _ in try cli.start(["migrate", "--json"]) }
        let results = try runs.map { try $0.wait(timeout: 60) }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        let applied = results.compactMap { ($0.json as? [String: Any])?["applied"] as? [Any] }.map(\.count)
        #expect(applied.reduce(0, +) == 1)
        let sql = try cli.run(["migrate", "--sql"])
        #expect(sql.status == 0 && sql.stdout.contains("CREATE TABLE taskq_jobs") && sql.stdout.contains("CREATE SCHEMA IF NOT EXISTS"))
    }

    @Test func downServerAndBadPasswordsExit69WithoutShowingThePassword() throws {
        let cli = try CLI()
        let port = try TestServers.postgresURL().split(separator: ":").last!.split(separator: "/").first!
        for url in ["postgres://app:s3cr3t-pw@127.0.0.1:1/app", "host=127.0.0.1 port=1 user=app password=s3cr3t-pw dbname=app",
                    "postgres://nobody:s3cr3t-pw@127.0.0.1:\(port)/nosuchdb"] {
            let result = try cli.run(["list-jobs", "--database-url", url])
            #expect(result.status == 69, "\(result.stderr)")
            #expect(!result.stderr.contains("s3cr3t") && !result.stdout.contains("s3cr3t"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        let unmigrated = try CLI.postgres()
        let missing = try unmigrated.run(["list-jobs"])
        #expect(missing.status == 69 && missing.stderr.contains("taskq migrate"))
    }

    @Test func fourWorkersTimesEightRunTwentyThousandJobsExactlyOnceDespiteAKill() throws {
        let cli = try CLI.postgres()
        try cli.run(["migrate"])
        let total = 20_000
        let lines = (0..<total).map { #"{"name":"n\#($0)","task":"noop","priority":\#($0 % 11)}"# }.joined(separator: "\n")
        #expect(try cli.run(["create-job", "--from-file", "-"], stdin: lines, timeout: 120).lines.count == total)
        // One slow job makes sure a worker is mid-job when it is killed.
        let slow = try cli.run(["create-job", "slow", "--task", "sleep", "--args", #"{"seconds":1}"#, "--priority", "critical"]).stdout.trimmed
        let workers = try (0..<4).map { i in
            try cli.start(["run-worker", "--concurrency", "8", "--lease", "2s", "--poll-interval", "100ms", "--worker-id", "w\(i)", "--log-level", "error"])
        }
        try cli.waitUntil(60, "the slow job to start") { try cli.jobState(slow) == "running" }
        let victim = try cli.object(["show-job", slow, "--json"])["worker"] as? String
        let index = Int(victim?.dropFirst() ?? "0") ?? 0
        workers[index].signal(SIGKILL)
        try cli.waitUntil(240, "every job to complete") {
            (try cli.object(["stats", "--json"])["by_state"] as? [String: Int])?["completed"] == total + 1
        }
        for (i, worker) in workers.enumerated() where i != index { worker.signal(SIGTERM); _ = try worker.wait(timeout: 60) }
        let stats = try cli.object(["stats", "--json"])["by_state"] as? [String: Int] ?? [:]
        #expect(stats["running"] == 0 && stats["pending"] == 0 && stats["failed"] == 0)
        // Exactly once: every no-op job has exactly one attempt; the killed worker's jobs were rescued (two attempts).
        let jobs = try cli.run(["list-jobs", "--json", "--limit", "100000", "--task", "noop"]).json as? [[String: Any]] ?? []
        #expect(jobs.count == total)
        let multi = jobs.filter { ($0["attempts"] as? Int ?? 0) != 1 }
        #expect(multi.allSatisfy { $0["worker"] as? String != victim }, "only jobs the killed worker held may run twice")
        let slowJob = try cli.object(["show-job", slow, "--json"])
        let outcomes = (slowJob["history"] as? [[String: Any]] ?? []).compactMap { $0["outcome"] as? String }
        #expect(outcomes.first == "lost" && outcomes.last == "completed")
    }

    @Test func aPostgresRestartMidDrainLosesNothing() throws {
        let server = try TestServers.dedicatedPostgres()
        let cli = try CLI()
        cli.databaseURL = server.url
        try cli.run(["migrate"])
        let total = 3_000
        let lines = (0..<total).map { #"{"name":"r\#($0)","task":"sleep","args":{"seconds":0.002}}"# }.joined(separator: "\n")
        #expect(try cli.run(["create-job", "--from-file", "-"], stdin: lines, timeout: 120).lines.count == total)
        let worker = try cli.start(["run-worker", "--concurrency", "4", "--lease", "5s", "--poll-interval", "100ms", "--log-level", "error"])
        try cli.waitUntil(60, "the drain to get going") {
            (try cli.object(["stats", "--json"])["by_state"] as? [String: Int])?["completed"] ?? 0 > 200
        }
        try server.restart()
        try cli.waitUntil(240, "every job to complete after the restart") {
            (try? cli.run(["stats", "--json"]).json as? [String: Any]).flatMap { $0?["by_state"] as? [String: Int] }?["completed"] == total
        }
        worker.signal(SIGTERM)
        let result = try worker.wait(timeout: 60)
        #expect(result.status == 0)
        let stats = try cli.object(["stats", "--json"])["by_state"] as? [String: Int] ?? [:]
        #expect(stats["completed"] == total && stats["running"] == 0 && stats["failed"] == 0)
    }
}
