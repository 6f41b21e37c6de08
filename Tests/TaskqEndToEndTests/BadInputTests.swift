import Foundation
import Testing

@Suite("End to end: bad input gets one line on stderr, the documented exit code and nothing written")
struct BadInputTests {
    func expectRefused(_ cli: CLI, _ args: [String], status: Int32, mentions: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try cli.run(args)
        #expect(result.status == status, "taskq \(args.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr should be one line: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.localizedCaseInsensitiveContains(mentions), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
    }

    @Test func createJobRefusals() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        try expectRefused(cli, ["create-job", "x", "--task", "noop", "--priority", "11"], status: 64, mentions: "priority")
        try expectRefused(cli, ["create-job", "x", "--task", "noop", "--priority", "abc"], status: 64, mentions: "priority")
        try expectRefused(cli, ["create-job", "x", "--task", "echo", "--args", "{not json"], status: 65, mentions: "JSON")
        try expectRefused(cli, ["create-job", "x", "--task", "noop", "--schedule-at", "next week"], status: 64, mentions: "time")
        try expectRefused(cli, ["create-job", "x", "--task", "noop", "--in", "soonish"], status: 64, mentions: "duration")
        try expectRefused(cli, ["create-job", "x", "--task", "no-such-task"], status: 64, mentions: "unknown task")
        try expectRefused(cli, ["create-job", "x", "--task", "noop", "--backoff", "random"], status: 64, mentions: "backoff")
        try expectRefused(cli, ["create-job", "--task", "noop"], status: 64, mentions: "name")
        #expect((try cli.run(["list-jobs", "--json"]).json as? [Any])?.isEmpty == true)
        // --force accepts a task another worker may know.
        #expect(try cli.run(["create-job", "x", "--task", "no-such-task", "--force"]).status == 0)
    }

    @Test func jobIDRefusals() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        try expectRefused(cli, ["show-job", "999"], status: 1, mentions: "no job")
        try expectRefused(cli, ["cancel", "999"], status: 1, mentions: "no job")
        try expectRefused(cli, ["retry", "999"], status: 1, mentions: "no job")
        try expectRefused(cli, ["show-job", "abc"], status: 64, mentions: "job id")
        let id = try cli.run(["create-job", "x", "--task", "noop"]).stdout.trimmed
        #expect(try cli.run(["run-worker", "--burst"]).status == 0)
        try expectRefused(cli, ["cancel", id], status: 1, mentions: "completed")
    }

    @Test func databaseRefusals() throws {
        let cli = try CLI()
        try expectRefused(cli, ["list-jobs"], status: 69, mentions: "taskq migrate")
        #expect(!FileManager.default.fileExists(atPath: cli.path("taskq.sqlite3")), "a read command must not create the database")
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: cli.path("junk.db")))
        try expectRefused(cli, ["list-jobs", "--database-url", "sqlite:junk.db"], status: 69, mentions: "not an SQLite database")
        try expectRefused(cli, ["migrate", "--database-url", "sqlite:junk.db"], status: 69, mentions: "not an SQLite database")
        try expectRefused(cli, ["list-jobs", "--database-url", "mysql://x"], status: 64, mentions: "database URL")
        // An empty SQLite database without the schema.
        #expect(try cli.run(["migrate", "--list", "--database-url", "sqlite:empty.db"]).status == 69)
        try expectRefused(cli, ["run-worker", "--burst", "--database-url", "sqlite:junk.db"], status: 69, mentions: "not an SQLite database")
    }

    @Test func optionRefusals() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        try expectRefused(cli, ["list-jobs", "--state", "bogus"], status: 64, mentions: "state")
        try expectRefused(cli, ["run-worker", "--concurrency", "0"], status: 64, mentions: "concurrency")
        try expectRefused(cli, ["run-worker", "--burst", "-q", "bad,,x"], status: 64, mentions: "queue")
        try expectRefused(cli, ["run-worker", "--lease", "forever"], status: 64, mentions: "duration")
        try expectRefused(cli, ["list-jobs", "--config", "nope.toml"], status: 64, mentions: "config")
        try "[tasks.x]\ncommand = 3\n".write(toFile: cli.path("taskq.toml"), atomically: true, encoding: .utf8)
        try expectRefused(cli, ["list-jobs"], status: 65, mentions: "taskq.toml")
    }

    /// Input that used to be taken silently as something else: each is refused, and nothing is written.
    @Test func quietMisreadingsAreRefused() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let failed = try cli.run(["create-job", "f", "--task", "fail", "--max-retries", "1", "--retry-delay", "1h"]).stdout.trimmed
        #expect(try cli.run(["run-worker", "--burst"]).status == 0)
        let waiting = try cli.run(["show-job", failed, "--json"]).json as? [String: Any]
        #expect(waiting?["state"] as? String == "retrying" && waiting?["error"] is String, "\(String(describing: waiting))")
        // An empty state (an unset shell variable) is not "every state".
        try expectRefused(cli, ["list-jobs", "--state", ""], status: 64, mentions: "empty --state")
        try expectRefused(cli, ["retry", "--state", ""], status: 64, mentions: "empty --state")
        try expectRefused(cli, ["purge", "--older-than", "1ms", "--state", ""], status: 64, mentions: "empty --state")
        try expectRefused(cli, ["list-jobs", "--state", "failed,,pending"], status: 64, mentions: "empty --state")
        // An impossible UTC offset is not some other time.
        try expectRefused(cli, ["create-job", "x", "--task", "noop", "--schedule-at", "2030-07-01T09:30:00+99:99"], status: 64, mentions: "invalid time")
        try expectRefused(cli, ["create-job", "x", "--task", "noop", "--schedule-at", "2030-07-01T09:30:00+25:00"], status: 64, mentions: "invalid time")
        // Job flags cannot apply to a file's lines.
        let file = cli.path("jobs.jsonl")
        try "{\"name\": \"q\", \"task\": \"noop\"}\n".write(toFile: file, atomically: true, encoding: .utf8)
        try expectRefused(cli, ["create-job", "--from-file", file, "--queue", "other", "--priority", "9"], status: 64,
                          mentions: "--queue, --priority cannot apply")
        try expectRefused(cli, ["create-job", "--from-file", file, "--in", "1h"], status: 64, mentions: "--in cannot apply")
        // A line's error names the line's keys, not the flags.
        try "{\"task\": \"noop\", \"in\": \"soonish\"}\n".write(toFile: file, atomically: true, encoding: .utf8)
        try expectRefused(cli, ["create-job", "--from-file", file], status: 65, mentions: "invalid duration for in:")
        try "{\"task\": \"noop\", \"in\": \"5m\", \"run_at\": \"2030-01-01T00:00:00Z\"}\n".write(toFile: file, atomically: true, encoding: .utf8)
        try expectRefused(cli, ["create-job", "--from-file", file], status: 65, mentions: "give either run_at or in")
        try "{\"task\": \"nosuch\"}\n".write(toFile: file, atomically: true, encoding: .utf8)
        try expectRefused(cli, ["create-job", "--from-file", file], status: 65, mentions: "pass --force")
        // A command needs a program; a help topic must exist; a config must be a file; --sql prints SQL only.
        try expectRefused(cli, ["create-job", "x", "--", "", "arg"], status: 64, mentions: "first word is empty")
        try expectRefused(cli, ["help", "nosuch"], status: 64, mentions: "unknown command 'nosuch'")
        try expectRefused(cli, ["help", "queue", "nosuch"], status: 64, mentions: "unknown command 'queue nosuch'")
        #expect(try cli.run(["help", "queue", "pause"]).status == 0 && cli.run(["help", "help"]).status == 0)
        try FileManager.default.createDirectory(atPath: cli.path("conf.d"), withIntermediateDirectories: true)
        try expectRefused(cli, ["list-jobs", "--config", cli.path("conf.d")], status: 64, mentions: "is a directory")
        // A directory with the default name (as `docker run -v ./taskq.toml:…` makes when the file is missing) is
        // refused, never skipped: the settings meant to be there would silently not apply.
        try FileManager.default.createDirectory(atPath: cli.path("taskq.toml"), withIntermediateDirectories: true)
        try expectRefused(cli, ["list-jobs"], status: 64, mentions: "config file 'taskq.toml' is a directory")
        try FileManager.default.removeItem(atPath: cli.path("taskq.toml"))
        try expectRefused(cli, ["migrate", "--sql", "--json"], status: 64, mentions: "--sql")
        // An '@' left in a PostgreSQL password: refused before libpq could quote part of it as a host.
        try expectRefused(cli, ["list-jobs", "--database-url", "postgres://app:Leak@At5@127.0.0.1:1/x"], status: 64, mentions: "%40")
        #expect(try !cli.run(["list-jobs", "--database-url", "postgres://app:Leak@At5@127.0.0.1:1/x"]).stderr.contains("At5"))
        // A command task's missing argument is refused at enqueue instead of failing every attempt.
        try "[tasks.copy]\ncommand = [\"cp\", \"{src}\", \"{{literal}}\"]\n".write(toFile: cli.path("taskq.toml"), atomically: true, encoding: .utf8)
        try expectRefused(cli, ["create-job", "c", "--task", "copy"], status: 64, mentions: "needs argument 'src'")
        #expect((try cli.run(["list-jobs", "--json"]).json as? [Any])?.count == 1)
        // Retrying a job that waits for its retry runs it now with its error cleared (the attempts keep it).
        #expect(try cli.run(["retry", failed]).status == 0)
        let job = try cli.run(["show-job", failed, "--json"]).json as? [String: Any]
        #expect(job?["state"] as? String == "pending" && job?["error"] is NSNull && job?["started_at"] is NSNull, "\(String(describing: job))")
    }

    /// A unique key already held returns the live job: no warning about a queue the request named but nothing uses.
    @Test func anExistingUniqueJobGetsNoQueueWarning() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let first = try cli.run(["create-job", "u", "--task", "noop", "--unique-key", "K"])
        let again = try cli.run(["create-job", "u", "--task", "noop", "--unique-key", "K", "--queue", "other"])
        #expect(again.status == 0 && again.stdout == first.stdout)
        #expect(!again.stderr.contains("other") && again.stderr.contains("unique key 'K'"), "\(again.stderr)")
    }
}
