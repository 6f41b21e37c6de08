import Foundation
import Testing
import TaskqTestSupport

/// A shell job's arguments as a cron user writes them: checked when enqueued (one line, exit 64/65, nothing
/// written), its own PATH finding its command, and the worker's environment without the createsuperuser secret.
@Suite("End to end: shell jobs' arguments and environment")
struct ShellJobInputTests {
    @Test func argumentsThatAreNoObjectAreRefusedBesideACommand() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        for args in ["[1]", "null", #""text""#] {
            let job = try cli.run(["create-job", "j", "--args", args, "--", "true"])
            #expect(job.status == 65 && job.stderr.hasPrefix("taskq: error: args must be a JSON object"), "\(args): \(job.stderr)")
            let schedule = try cli.run(["schedule", "add", "s", "--cron", "0 12 * * mon", "--args", args, "--", "true"])
            #expect(schedule.status == 65 && schedule.stderr.contains("args must be a JSON object"), "\(args): \(schedule.stderr)")
        }
        #expect(try cli.object(["stats", "--json"])["total"] as? Int == 0)
        #expect(try cli.run(["schedule", "list", "--json"]).stdout.trimmed == "[]")
    }

    @Test func environmentNamesAndValuesAndTheDirectoryAreCheckedWhenEnqueued() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let refused = [(#"{"env":{"A":true}}"#, "args.env.A must be a string or a number, got a boolean"),
                       (#"{"env":{"A=B":"c"}}"#, "args.env has the name 'A=B'"),
                       (#"{"env":{"":"x"}}"#, "args.env has the name ''"),
                       (#"{"cwd":""}"#, "args.cwd is empty")]
        for (args, message) in refused {
            let job = try cli.run(["create-job", "j", "--args", args, "--", "true"])
            #expect(job.status == 64 && job.stderr.contains(message) && job.stderr.split(separator: "\n").count == 1, "\(args): \(job.stderr)")
        }
        #expect(try cli.object(["stats", "--json"])["total"] as? Int == 0)
        #expect(try cli.run(["create-job", "j", "--args", #"{"env":{"A":1.5,"B":"x"}}"#, "--", "true"]).status == 0)
    }

    @Test func theJobsPATHFindsItsCommandAndTheSuperuserPasswordStaysOut() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        try FileManager.default.createDirectory(atPath: cli.path("bin"), withIntermediateDirectories: true)
        try "#!/bin/sh\necho found-it\n".write(toFile: cli.path("bin/hello-from-path"), atomically: true, encoding: .utf8)
        chmod(cli.path("bin/hello-from-path"), 0o755)
        let found = try cli.run(["create-job", "p", "--args", #"{"env":{"PATH":"\#(cli.path("bin")):/usr/bin:/bin"}}"#, "--", "hello-from-path"]).stdout.trimmed
        let missing = try cli.run(["create-job", "q", "--max-retries", "0", "--args", #"{"env":{"PATH":"/nonexistent"}}"#, "--", "hello-from-path"]).stdout.trimmed
        let env = try cli.run(["create-job", "e", "--", "/usr/bin/env"]).stdout.trimmed
        // A relative PATH entry is read from the job's own directory, as the shell would.
        try FileManager.default.createDirectory(atPath: cli.path("proj/tools"), withIntermediateDirectories: true)
        try "#!/bin/sh\necho in-proj\n".write(toFile: cli.path("proj/tools/proj-tool"), atomically: true, encoding: .utf8)
        chmod(cli.path("proj/tools/proj-tool"), 0o755)
        let relative = try cli.run(["create-job", "r", "--args", #"{"cwd":"proj","env":{"PATH":"tools:/usr/bin:/bin"}}"#, "--", "proj-tool"]).stdout.trimmed
        cli.environment["TASKQ_SUPERUSER_PASSWORD"] = "hunter2-never-shown"
        #expect(try cli.run(["run-worker", "--burst"]).status == 0)

        let ran = try cli.object(["show-job", found, "--json"])
        #expect(ran["state"] as? String == "completed" && (ran["result"] as? [String: Any])?["stdout"] as? String == "found-it\n", "\(ran)")
        let inProj = try cli.object(["show-job", relative, "--json"])
        #expect((inProj["result"] as? [String: Any])?["stdout"] as? String == "in-proj\n", "\(inProj)")
        let notFound = try cli.object(["show-job", missing, "--json"])
        #expect(notFound["error"] as? String == "command not found: hello-from-path (in the job's PATH)", "\(notFound)")
        let printed = (try cli.object(["show-job", env, "--json"])["result"] as? [String: Any])?["stdout"] as? String ?? ""
        #expect(printed.contains("TASKQ_JOB_ID=\(env)") && !printed.contains("hunter2"), "\(printed)")
    }

    /// The database holds password hashes and job output: a new file is its owner's only, an existing one keeps its mode.
    @Test func aNewSQLiteDatabaseIsReadableByItsOwnerOnly() throws {
        let cli = try CLI()
        let old = umask(0o022)
        defer { umask(old) }
        #expect(try cli.run(["migrate"]).status == 0)
        let mode = { (path: String) throws -> Int in
            ((try FileManager.default.attributesOfItem(atPath: cli.path(path))[.posixPermissions]) as? NSNumber)?.intValue ?? -1
        }
        #expect(try mode("taskq.sqlite3") == 0o600)
        chmod(cli.path("taskq.sqlite3"), 0o640)
        #expect(try cli.run(["create-job", "x", "--task", "noop"]).status == 0)
        #expect(try cli.run(["migrate"]).status == 0)
        #expect(try mode("taskq.sqlite3") == 0o640, "an existing file keeps the mode its owner gave it")
    }
}
