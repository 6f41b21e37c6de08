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
        try expectRefused(cli, ["run-worker", "--lease", "forever"], status: 64, mentions: "duration")
        try expectRefused(cli, ["list-jobs", "--config", "nope.toml"], status: 64, mentions: "config")
        try "[tasks.x]\ncommand = 3\n".write(toFile: cli.path("taskq.toml"), atomically: true, encoding: .utf8)
        try expectRefused(cli, ["list-jobs"], status: 65, mentions: "taskq.toml")
    }
}
