import Foundation
import Testing
import TaskqTestSupport

/// Examples/custom-tasks as its README runs it: a Swift program with two handlers of its own and the whole command
/// set (built in this package as `CustomTasksExample`, next to `taskq`).
@Suite("End to end: a program with its own tasks (Examples/custom-tasks)")
struct ExampleProgramTests {
    static let binary = URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().appendingPathComponent("CustomTasksExample").path

    func example(_ cli: CLI, _ args: [String]) throws -> CLI.Result {
        try cli.start(args, binary: Self.binary).wait(timeout: 60)
    }

    @Test func theReadmeWalkThroughRunsItsOwnHandlers() throws {
        let cli = try CLI()
        #expect(try example(cli, ["migrate"]).status == 0)
        let welcome = try example(cli, ["create-job", "welcome", "--task", "send-welcome", "--args", #"{"email": "ada@example.com", "name": "Ada"}"#])
        let total = try example(cli, ["create-job", "total", "--task", "sum", "--args", #"{"numbers": [1, 2, 3.5]}"#])
        let mismatch = try example(cli, ["create-job", "nameless", "--task", "send-welcome", "--args", #"{"email": "bo@example.com"}"#])
        #expect(welcome.status == 0 && total.status == 0 && mismatch.status == 0, "\(welcome.stderr)\(total.stderr)\(mismatch.stderr)")
        let tasks = try example(cli, ["list-tasks"]).stdout
        #expect(tasks.contains("send-welcome") && tasks.contains("sum") && tasks.contains("shell"), "\(tasks)")

        let worker = try example(cli, ["run-worker", "--burst"])
        #expect(worker.status == 0 && worker.stderr.contains("stopped: 2 completed, 0 retried, 1 failed"), "\(worker.stderr)")
        let sum = try cli.start(["show-job", total.stdout.trimmed, "--json"], binary: Self.binary).wait(timeout: 60).json as? [String: Any]
        #expect((sum?["result"] as? [String: Any])?["total"] as? Double == 6.5, "\(sum ?? [:])")
        let mail = try cli.object(["show-job", welcome.stdout.trimmed, "--json"])
        #expect((mail["result"] as? [String: Any])?["subject"] as? String == "Welcome, Ada!", "\(mail)")
        // Arguments that do not fit the handler's type fail at once: no retry could decode them.
        let failed = try cli.object(["show-job", mismatch.stdout.trimmed, "--json"])
        #expect(failed["state"] as? String == "failed" && (failed["history"] as? [Any])?.count == 1, "\(failed)")
        #expect((failed["error"] as? String)?.contains("arguments do not match Welcome: missing key 'name'") == true, "\(failed)")
        // The worker announced its tasks, so plain `taskq` accepts them now.
        #expect(try cli.run(["create-job", "later", "--task", "sum", "--args", #"{"numbers": []}"#]).status == 0)
    }

    /// Usage, help and errors name the program as it was started, not `taskq`.
    @Test func usageAndErrorsNameTheProgram() throws {
        let cli = try CLI()
        let unknown = try example(cli, ["frobnicate"])
        #expect(unknown.status == 64 && unknown.stderr.hasPrefix("CustomTasksExample: error: "), "\(unknown.stderr)")
        let help = try example(cli, ["--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE: CustomTasksExample <subcommand>"), "\(help.stdout.prefix(400))")
        let subcommand = try example(cli, ["create-job", "--help"])
        #expect(subcommand.stdout.contains("USAGE: CustomTasksExample create-job"), "\(subcommand.stdout.prefix(400))")
        let bad = try example(cli, ["list-jobs", "--limit", "x"])
        #expect(bad.status == 64 && bad.stderr.contains("see 'CustomTasksExample list-jobs --help'"), "\(bad.stderr)")
        // A copy of taskq under another name still says `taskq` (scripts match on it).
        let copy = cli.path("taskq-copy")
        try FileManager.default.copyItem(atPath: CLI.binary, toPath: copy)
        let fromCopy = try cli.start(["frobnicate"], binary: copy).wait(timeout: 60)
        #expect(fromCopy.stderr.hasPrefix("taskq: error: "), "\(fromCopy.stderr)")
    }
}
