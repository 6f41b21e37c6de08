import Foundation
import Testing

/// Regressions for the rough edges an operator trial found: names, terminal safety, numbers, negative values,
/// unknown commands, JSON vocabulary, `retry --again`, completion from the store, `make install`.
@Suite("End to end: sharper command line")
struct RoughEdgeTests {
    func refused(_ cli: CLI, _ args: [String], stdin: String? = nil, status: Int32, mentions: String,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try cli.run(args, stdin: stdin)
        #expect(result.status == status, "taskq \(args.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(mentions), "\(result.stderr)",
                sourceLocation: sourceLocation)
        #expect(!result.stderr.contains("\u{1B}"), sourceLocation: sourceLocation)
    }

    @Test func namesFollowOneRuleFromFlagsFilesAndConfig() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        try refused(cli, ["create-job", "   ", "--task", "noop"], status: 64, mentions: "job name must not be empty or blank")
        try refused(cli, ["create-job", "x", "--task", "noop", "--queue", "a,b"], status: 64, mentions: "invalid queue name 'a,b'")
        try refused(cli, ["create-job", String(repeating: "n", count: 201), "--task", "noop"], status: 64, mentions: "longer than 200")
        try refused(cli, ["create-job", "--from-file", "-"], stdin: #"{"name":"ok","task":"noop"}"# + "\n" + #"{"name":"x","task":"noop","queue":"a b"}"#,
                    status: 65, mentions: "line 2")
        try refused(cli, ["run-worker", "--burst", "--queue", "a,b c"], status: 64, mentions: "invalid queue name")
        try "[defaults]\nqueue = \"bad,queue\"\n".write(toFile: cli.path("taskq.toml"), atomically: true, encoding: .utf8)
        try refused(cli, ["create-job", "x", "--task", "noop"], status: 65, mentions: "queue")
        try FileManager.default.removeItem(atPath: cli.path("taskq.toml"))
        #expect((try cli.run(["list-jobs", "--json"]).json as? [Any])?.isEmpty == true)
        #expect(try cli.run(["create-job", "日本語のジョブ 🚀", "--task", "noop", "--queue", "eu-west.mail:1"]).status == 0)
        // Found by the docs sweep: a tab is shown escaped in the refusal; an empty queue in a list is named.
        try refused(cli, ["create-job", "a\tb", "--task", "noop"], status: 64, mentions: "job name 'a\\x09b' contains control characters")
        try refused(cli, ["run-worker", "--burst", "-q", "a,"], status: 64, mentions: "empty queue name in 'a,'")
        // The sleep task's seconds are checked when the job is enqueued, not at every attempt.
        try refused(cli, ["create-job", "s", "--task", "sleep", "--args", #"{"seconds":"x"}"#], status: 64, mentions: "sleep needs args.seconds")
        try refused(cli, ["create-job", "s", "--task", "sleep", "--args", #"{"seconds":-5}"#], status: 64, mentions: "sleep needs args.seconds")
        #expect(try cli.run(["create-job", "s", "--task", "sleep", "--args", #"{"seconds":"0.01"}"#]).status == 0)
    }

    /// A local time is its first occurrence when clocks go back (as a cron tick's is), moved forward past the gap
    /// when clocks go forward; a day that does not exist is refused.
    @Test func localTimesAcrossDaylightSavingChanges() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        cli.environment["TZ"] = "Europe/Berlin"
        for (local, utc) in [("2027-10-31 02:30", "2027-10-31T00:30:00.000Z"), ("2027-10-31 03:30", "2027-10-31T02:30:00.000Z"),
                             ("2027-03-28 02:30", "2027-03-28T01:30:00.000Z"), ("2027-07-01 12:00", "2027-07-01T10:00:00.000Z"),
                             ("2027-12-01", "2027-11-30T23:00:00.000Z")] {
            let created = try cli.run(["create-job", "t", "--task", "noop", "--schedule-at", local, "--json"])
            #expect((created.json as? [String: Any])?["run_at"] as? String == utc, "\(local): \(created.stdout)")
        }
        try refused(cli, ["create-job", "t", "--task", "noop", "--schedule-at", "2027-02-30 10:00"], status: 64, mentions: "invalid time")
    }

    /// An enqueued job cannot clear the operator's screen or retitle the terminal through `list-jobs`/`show-job`.
    @Test func jobDataIsEscapedInTextOutput() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let id = try cli.run(["create-job", "x", "--", "sh", "-c", #"printf "\033]0;t\007" >&2; exit 1"#]).stdout.trimmed
        #expect(try cli.run(["run-worker", "--burst", "--log-level", "error"]).status == 0)
        #expect(try cli.jobState(id) != nil)
        for args in [["list-jobs"], ["show-job", id]] {
            let out = try cli.run(args)
            #expect(out.status == 0 && !out.stdout.contains("\u{1B}") && !out.stdout.contains("\u{07}"), "\(args)")
        }
        #expect(try cli.run(["list-jobs"]).stdout.contains("\\x1b]0;t\\x07"))
        // JSON keeps the exact text (JSON escapes it).
        #expect((try cli.object(["show-job", id, "--json"])["error"] as? String)?.contains("\u{1B}]0;t\u{07}") == true)
    }

    @Test func tablesAlignWideCharacters() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        for name in ["日本語", "ascii", "🚀🚀"] { try cli.run(["create-job", name, "--task", "noop"]) }
        let lines = try cli.run(["list-jobs"]).lines
        // Every row's TASK column starts at the same display column as the header's.
        func column(_ line: String, of word: String) -> Int? {
            guard let range = line.range(of: word) else { return nil }
            return String(line[..<range.lowerBound]).unicodeScalars.reduce(0) { $0 + (($1.value >= 0x1100 && $1.value != 0x2026) ? 2 : 1) }
        }
        let header = try #require(column(lines[0], of: "TASK"))
        #expect(lines.dropFirst().allSatisfy { column($0, of: "noop") == header }, "\(lines)")
    }

    @Test func numbersComeBackExactlyOrAreRefusedWithAPlace() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let id = try cli.run(["create-job", "n", "--task", "echo", "--args", #"{"n":[1.0,12345678901234567890123,2.50]}"#]).stdout.trimmed
        let shown = try cli.run(["show-job", id, "--json"]).stdout
        #expect(shown.contains("1.0") && shown.contains("12345678901234567890123") && shown.contains("2.50"), "\(shown)")
        try refused(cli, ["create-job", "n", "--task", "echo", "--args", #"{"n":1e400}"#], status: 65, mentions: "line 1, column 6")
        try refused(cli, ["create-job", "n", "--task", "echo", "--args", "{\n\"a\":}"], status: 65, mentions: "line 2, column 5")
    }

    @Test func negativeNumbersAndUnknownCommandsGetClearMessages() throws {
        let cli = try CLI()
        try refused(cli, ["create-job", "x", "--priority", "-1"], status: 64, mentions: "invalid priority '-1'")
        try refused(cli, ["create-job", "x", "--in", "-5m"], status: 64, mentions: "invalid duration for --in: '-5m'")
        try refused(cli, ["create-job", "x", "--max-retries", "-1"], status: 64, mentions: "--max-retries must be 0-1000")
        try refused(cli, ["create-job", "x", "--in", "0x10"], status: 64, mentions: "invalid duration")
        try refused(cli, ["create-job", "x", "--in", "5300w"], status: 64, mentions: "longer than 100 years")
        try refused(cli, ["show-job", "-1"], status: 64, mentions: "invalid value '-1': expected a positive integer (see 'taskq show-job --help')")
        try refused(cli, ["lst-jobs"], status: 64, mentions: "unknown command 'lst-jobs'; did you mean 'list-jobs'?")
        try refused(cli, ["schedule", "lst"], status: 64, mentions: "did you mean 'list'?")
        try refused(cli, ["list-jobs", "--bogus"], status: 64, mentions: "unknown option '--bogus' (see 'taskq list-jobs --help')")
        try refused(cli, ["create-job", "x", "echo", "hi"], status: 64, mentions: "a command and its arguments go after -- (taskq create-job NAME … -- CMD ARGS…)")
        // The store options may come before the command, as `taskq --help` describes them.
        try refused(cli, ["--database-url", "sqlite:nothere.db", "list-jobs"], status: 69, mentions: "database file 'nothere.db' does not exist")
        try refused(cli, ["--config=none.toml", "queue", "list"], status: 64, mentions: "config file 'none.toml' not found")
        #expect(!(try cli.run(["list-jobs", "--help"]).stdout.contains("(default 50). (default: 50)")))
    }

    /// A field given twice over, or a shell job's cwd or env of the wrong kind, is refused when the job is enqueued
    /// (not dropped, nor found out when the job runs), and nothing is written.
    @Test func conflictingOrMalformedJobFieldsAreRefusedAtEnqueue() throws {
        let cli = try AnyBackend.sqlite.migratedCLI()
        try refused(cli, ["create-job", "x", "--args", #"{"command":["ls"]}"#, "--", "pwd"], status: 64, mentions: "give the command once")
        try refused(cli, ["create-job", "x", "--args", #"{"cwd":5}"#, "--", "pwd"], status: 64, mentions: "args.cwd must be a string")
        try refused(cli, ["create-job", "x", "--args", #"{"env":{"A":[1]}}"#, "--", "pwd"], status: 64, mentions: "args.env.A must be a string or a number")
        try refused(cli, ["create-job", "--from-file", "-"], stdin: #"{"task":"noop","run_at":"2030-01-01T00:00:00Z","schedule_at":"2031-01-01T00:00:00Z"}"# + "\n",
                    status: 65, mentions: "give either run_at or schedule_at (the same field), not both")
        try refused(cli, ["create-job", "x", "--task", "noop", "--in", "36526d"], status: 64, mentions: "longer than 100 years")
        try refused(cli, ["list-jobs", "--before-id", "-3"], status: 64, mentions: "invalid --before-id '-3': expected a positive integer")
        try refused(cli, ["list-jobs", "--before-id", "0"], status: 64, mentions: "invalid --before-id '0'")
        #expect(try cli.run(["list-jobs", "--json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        #expect(try cli.run(["create-job", "x", "--task", "noop", "--in", "36525d", "--args", #"{"env":{"A":1}}"#]).status == 0)
    }

    /// A relative SQLite path in a config file is read beside the file (a cron line with `--config` from anywhere);
    /// the same path in `--database-url` is relative to the working directory.
    @Test func aConfigFilesRelativeSQLitePathIsBesideIt() throws {
        let cli = try CLI()
        try FileManager.default.createDirectory(atPath: cli.path("app"), withIntermediateDirectories: true)
        try "database_url = \"sqlite:jobs.db\"\n".write(toFile: cli.path("app/taskq.toml"), atomically: true, encoding: .utf8)
        #expect(try cli.run(["migrate", "--config", "app/taskq.toml"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: cli.path("app/jobs.db")) && !FileManager.default.fileExists(atPath: cli.path("jobs.db")))
        #expect(try cli.run(["create-job", "x", "--task", "noop", "--config", cli.path("app/taskq.toml")]).status == 0)
        #expect((try cli.run(["list-jobs", "--json", "--config", "app/taskq.toml"]).json as? [[String: Any]])?.first?["name"] as? String == "x")
        #expect(try cli.run(["list-jobs", "--database-url", "sqlite:jobs.db"]).status == 69)
        // `:memory:` stays in memory, and a config read from a pipe resolves against the working directory.
        try "database_url = \"sqlite::memory:\"\n".write(toFile: cli.path("app/memory.toml"), atomically: true, encoding: .utf8)
        #expect(try cli.run(["migrate", "--config", "app/memory.toml"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: cli.path("app/:memory:")))
        let piped = try cli.run(["migrate", "--config", "/dev/stdin"], stdin: "database_url = \"sqlite:piped.db\"\n")
        #expect(piped.status == 0 && FileManager.default.fileExists(atPath: cli.path("piped.db")), "\(piped.stderr)")
    }

    @Test func retryAgainRunsACompletedJobOnceMoreAndCancelRetryPrintTheJob() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let id = try cli.run(["create-job", "once", "--task", "echo", "--args", #"{"a":1}"#]).stdout.trimmed
        #expect(try cli.run(["run-worker", "--burst"]).status == 0)
        try refused(cli, ["retry", id], status: 1, mentions: "run it once more with --again")
        let retried = try cli.object(["retry", id, "--again", "--json"])
        #expect(retried["state"] as? String == "pending" && retried["started_at"] is NSNull && retried["result"] is NSNull)
        #expect(try cli.run(["run-worker", "--burst"]).status == 0)
        let again = try cli.object(["show-job", id, "--json"])
        #expect(again["state"] as? String == "completed" && (again["history"] as? [Any])?.count == 2)
        let other = try cli.run(["create-job", "later", "--task", "noop", "--in", "1h"]).stdout.trimmed
        let cancelled = try cli.object(["cancel", other, "--json"])
        #expect(cancelled["state"] as? String == "cancelled" && (cancelled["id"] as? Int).map(String.init) == other)
    }

    @Test func listJobsSaysWhenAPageIsNotEverything() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        #expect(try cli.run(["create-job", "--from-file", "-"], stdin: (0..<5).map { #"{"name":"j\#($0)","task":"noop"}"# }.joined(separator: "\n")).status == 0)
        // Not on a terminal: the page alone, no note (scripts read stdout).
        let page = try cli.run(["list-jobs", "--limit", "3"])
        #expect(page.lines.count == 4 && page.stderr.isEmpty)
    }

    /// The shell asks taskq for values (`taskq ---completion …`, as the generated scripts do).
    @Test func completionOffersValuesFromTheStoreAndIsSilentWithoutOne() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let id = try cli.run(["create-job", "x", "--task", "echo", "--queue", "mails"]).stdout.trimmed
        try cli.run(["schedule", "add", "nightly", "--cron", "@daily", "--task", "noop"])
        func complete(_ args: [String]) throws -> [String] {
            let result = try cli.run(["---completion"] + args)
            #expect(result.status == 0 && result.stderr.isEmpty, "\(args): \(result.stderr)")
            return result.lines
        }
        #expect(try complete(["show-job", "--", "positional@0", "2", "0", "taskq", "show-job", ""]) == [id])
        #expect(try complete(["create-job", "--", "--queue", "3", "0", "taskq", "create-job", "--queue", ""]) == ["mails"])
        #expect(try complete(["create-job", "--", "--task", "3", "1", "taskq", "create-job", "--task", "e"]) == ["echo"])
        #expect(try complete(["schedule", "pause", "--", "positional@0", "3", "0", "taskq", "schedule", "pause", ""]) == ["nightly"])
        #expect(try complete(["schedule", "add", "--", "--tz", "4", "13", "taskq", "schedule", "add", "x", "--tz", "Europe/Berlin"]) == ["Europe/Berlin"])
        #expect(try complete(["show-job", "--", "positional@0", "4", "0", "taskq", "show-job", "--database-url", "postgres://127.0.0.1:1/none", ""]).isEmpty)
    }

    @Test func makeInstallPutsFilesWhereShellsLookAndUninstallRemovesThem() throws {
        let cli = try CLI()
        let prefix = cli.path("prefix")
        let root = GeneratedFilesTests.root.path
        let make = { (target: String) throws -> Int32 in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["make", "--no-print-directory", "-C", root, target, "PREFIX=\(prefix)", "BIN=\(CLI.binary)"]
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            return p.terminationStatus
        }
        #expect(try make("install-files") == 0)
        let expected = ["bin/taskq", "share/man/man1/taskq.1", "share/man/man1/taskq.create-job.1",
                        "share/bash-completion/completions/taskq", "share/zsh/site-functions/_taskq",
                        "share/fish/vendor_completions.d/taskq.fish"]
        for file in expected { #expect(FileManager.default.fileExists(atPath: prefix + "/" + file), "\(file)") }
        #expect(try cli.run(["--version"]).status == 0)
        #expect(try make("uninstall") == 0)
        for file in expected { #expect(!FileManager.default.fileExists(atPath: prefix + "/" + file), "\(file)") }
    }
}
