import Foundation
import Testing

/// Regression tests for the bad-input defects of issue 13: every malformed input is one line and a documented exit
/// code, no error echoes a secret, and a refused bulk write writes nothing.
@Suite("End to end: malformed config, secrets, NUL, read-only database, streamed listing")
struct ReliabilityInputTests {
    func expectOneLine(_ result: CLI.Result, status: Int32, mentions: String, _ what: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == status, "\(what): exit \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(what): stderr should be one line: \(result.stderr)",
                sourceLocation: sourceLocation)
        #expect(result.stderr.contains(mentions), "\(what): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(what): \(result.stdout)", sourceLocation: sourceLocation)
    }

    /// Defect 1: headers that made toml++ abort (SIGABRT), and other malformed files, give exit 65 naming the file
    /// and line, for every command including `run-worker` and `beat`.
    @Test func malformedConfigIsOneLineExit65() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let cases: [(Data, Int)] = [
            (Data("[=x]\n".utf8), 1), (Data("[.x]\n".utf8), 1), (Data("[ =x]\n".utf8), 1),
            (Data("# c\n[worker]\nconcurrency = 2\n[=x]\n".utf8), 4), (Data("database_url = \"sqlite:x\n".utf8), 1),
            (Data("x = \"\"\"never closed\n\n".utf8), 1), (Data(("a = " + String(repeating: "[", count: 200_000)).utf8), 1),
            (Data(("a = " + String(repeating: "{b = ", count: 50_000)).utf8), 1), (Data("[worker]\u{0}\n".utf8), 1),
            (Data([0x5B, 0x77, 0xFF, 0xFE, 0x5D, 0x0A]), 1), (Data("\n[a]\n[a]\n".utf8), 3), (Data("[[jobs]]\n".utf8), 1),
            (Data("x = 1979-05-27T07:32:00Z\n".utf8), 1), (Data("x = \"\u{1b}]0;owned\u{7}\n".utf8), 1),
            // A zero timeout would fail every job at once: refused where it is written, not at each enqueue.
            (Data("[defaults]\ntimeout = \"0s\"\n".utf8), 2), (Data("[tasks.t]\ncommand = [\"true\"]\ntimeout = 0\n".utf8), 3),
        ]
        for (bytes, line) in cases {
            try bytes.write(to: URL(fileURLWithPath: cli.path("taskq.toml")))
            let what = String(decoding: bytes.prefix(30), as: UTF8.self).debugDescription
            for args in [["list-jobs"], ["run-worker", "--burst"], ["beat", "--once"], ["create-job", "x", "--task", "noop"]] {
                let result = try cli.run(args, timeout: 30)
                expectOneLine(result, status: 65, mentions: "taskq.toml:\(line):", "\(args[0]) with \(what)")
                #expect(!result.stderr.contains("\u{1b}") && !result.stderr.contains("\u{7}"))
            }
        }
        // --config names the file it read.
        try Data("[.x]\n".utf8).write(to: URL(fileURLWithPath: cli.path("other.toml")))
        try FileManager.default.removeItem(atPath: cli.path("taskq.toml"))
        expectOneLine(try cli.run(["stats", "--config", "other.toml"]), status: 65, mentions: "other.toml:1:", "--config")
    }

    /// Defect 2: nan/inf are refused with the key's name, and no error anywhere shows a password.
    @Test func configErrorsNeverShowThePassword() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let secret = "s3cr3t-pw"
        try "database_url = \"postgres://app:\(secret)@127.0.0.1:1/app\"\n[worker]\nlease = nan\n"
            .write(toFile: cli.path("taskq.toml"), atomically: true, encoding: .utf8)
        expectOneLine(try cli.run(["list-jobs"]), status: 65, mentions: "taskq.toml:3: [worker] lease must be a finite number", "nan")

        let urls = ["postgres://app:\(secret)@127.0.0.1:1/app", "postgresql://app:\(secret)@[::1/app",
                    "host=127.0.0.1 port=1 password=\(secret) dbname=x", "redis://:\(secret)@127.0.0.1:1/0",
                    "redis://\(secret)@127.0.0.1:99999/0", "redis://u:\(secret)@127.0.0.1:1/notanumber",
                    "mysql://app:\(secret)@host/app", "rediss://u:\(secret)@host/0", "postgres://app:\(secret)@/app?schema=B-A-D"]
        let configs = ["", "[worker]\nlease = -inf\n", "[defaults]\ntimeout = nan\n", "[.x]\n",
                       "[schedules.s]\ncron = \"61 * * * *\"\ntask = \"noop\"\n"]
        let commands = [["list-jobs"], ["stats", "--json"], ["create-job", "x", "--task", "noop"], ["migrate"], ["show-job", "1"],
                        ["run-worker", "--burst"], ["beat", "--once"], ["queue", "list"]]
        for url in urls {
            for config in configs {
                try ("database_url = \"\(url)\"\n" + config).write(toFile: cli.path("taskq.toml"), atomically: true, encoding: .utf8)
                for command in commands {
                    let result = try cli.run(command, timeout: 30)
                    let what = "\(command[0]) with \(url.prefix(12))… and \(config.debugDescription)"
                    #expect(result.status != 0, "\(what) succeeded")
                    #expect(!result.stderr.contains(secret) && !result.stdout.contains(secret), "\(what): \(result.stderr)")
                    #expect(result.stderr.split(separator: "\n").count == 1, "\(what): \(result.stderr)")
                }
            }
            // The same URL as a flag and from the environment.
            try "".write(toFile: cli.path("taskq.toml"), atomically: true, encoding: .utf8)
            let flag = try cli.run(["list-jobs", "--database-url", url], timeout: 30)
            #expect(flag.status != 0 && !flag.stderr.contains(secret), "\(flag.stderr)")
        }
    }

    /// Defect 3: a NUL anywhere in a file line refuses the whole file before anything is written, on every backend
    /// alike (PostgreSQL cannot store it); as a flag it is a usage error.
    @Test(arguments: AnyBackend.allCases)
    func nulRefusesTheWholeFile(backend: AnyBackend) throws {
        let cli = try backend.migratedCLI()
        var lines = (1...6_000).map { "{\"task\":\"echo\",\"args\":{\"n\":\($0)}}" }
        lines[5_499] = "{\"task\":\"echo\",\"args\":{\"text\":\"a\\u0000b\"}}"
        try lines.joined(separator: "\n").write(toFile: cli.path("jobs.jsonl"), atomically: true, encoding: .utf8)
        expectOneLine(try cli.run(["create-job", "--from-file", "jobs.jsonl"], timeout: 120), status: 65,
                      mentions: "jobs.jsonl line 5500: args.text contains a NUL", "NUL in args")
        for (field, value) in [("name", "\"a\\u0000\""), ("queue", "\"q\\u0000\""), ("unique_key", "\"k\\u0000\""),
                               ("task", "\"echo\\u0000\""), ("command", "[\"echo\", \"a\\u0000\"]")] {
            var variant = lines
            variant[5_499] = "{\"task\":\"echo\",\"\(field)\":\(value)}".replacingOccurrences(of: "\"task\":\"echo\",\"command\"", with: "\"command\"")
                .replacingOccurrences(of: "\"task\":\"echo\",\"task\"", with: "\"task\"")
            try variant.joined(separator: "\n").write(toFile: cli.path("jobs.jsonl"), atomically: true, encoding: .utf8)
            expectOneLine(try cli.run(["create-job", "--from-file", "jobs.jsonl"], timeout: 120), status: 65,
                          mentions: "jobs.jsonl line 5500:", "NUL in \(field)")
        }
        let flag = try cli.run(["create-job", "x", "--task", "echo", "--args", "{\"a\":\"\\u0000\"}"])
        expectOneLine(flag, status: 64, mentions: "args.a contains a NUL", "NUL in --args")
        let stats = try cli.object(["stats", "--json"])
        #expect(stats["total"] as? Int == 0, "\(backend): a refused file wrote \(stats["total"] ?? "?") jobs")
    }

    /// A file of more than 100,000 lines streams (checked in full, then read again batch by batch as it is written):
    /// a bad last line still writes nothing, and a good file from stdin gets every job, ids in file order.
    @Test func aFileThatStreamsIsCheckedBeforeAnythingIsWritten() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        var lines = (1...100_050).map { "{\"name\":\"n\($0)\",\"task\":\"noop\",\"args\":{\"n\":\($0)}}" }
        lines[99] = ""
        lines[100_049] = "{\"name\":\"last\",\"task\":\"noop\",\"args\":[1]}"
        try lines.joined(separator: "\n").write(toFile: cli.path("jobs.jsonl"), atomically: true, encoding: .utf8)
        expectOneLine(try cli.run(["create-job", "--from-file", "jobs.jsonl"], timeout: 120), status: 65,
                      mentions: "jobs.jsonl line 100050: args must be a JSON object", "bad last line")
        #expect(try cli.object(["stats", "--json"])["total"] as? Int == 0)

        lines[100_049] = "{\"name\":\"last\",\"task\":\"noop\"}"
        let result = try cli.run(["create-job", "--from-file", "-"], stdin: lines.joined(separator: "\n"), timeout: 120)
        let ids = result.stdout.split(separator: "\n").compactMap { Int($0) }
        #expect(result.status == 0 && ids.count == 100_049 && ids == ids.sorted(), "\(result.stderr)")
        #expect(try cli.object(["stats", "--json"])["total"] as? Int == 100_049)
        let last = try cli.object(["show-job", String(ids[ids.count - 1]), "--json"])
        #expect(last["name"] as? String == "last")
    }

    /// Ctrl-C during a bulk enqueue: before the first write it stops at once with nothing written; after it, the batch
    /// in flight finishes, every committed job's id is on stdout (with `--json`, as one array) and the one error line
    /// says how many were enqueued; exit 130 both ways.
    @Test func anInterruptedBulkEnqueueReportsEveryCommittedJob() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let total = 60_000
        try (1...total).map { "{\"name\":\"n\($0)\",\"task\":\"noop\"}" }.joined(separator: "\n")
            .write(toFile: cli.path("jobs.jsonl"), atomically: true, encoding: .utf8)
        var enqueued = 0
        for json in [false, true] {
            let run = try cli.start(["create-job", "--from-file", "jobs.jsonl"] + (json ? ["--json"] : []))
            if json {
                // Ids are printed at the end with --json: interrupt once the first batch is in the store.
                try cli.waitUntil(60, "the first batch to be committed") {
                    (try cli.object(["stats", "--json"])["total"] as? Int ?? 0) > enqueued
                }
            } else {
                try cli.waitUntil(60, "the first batch's ids") { !run.stdoutText.isEmpty }
            }
            run.signal(SIGINT)
            let result = try run.wait(timeout: 60)
            let ids = json ? (result.json as? [Int] ?? []) : result.stdout.split(separator: "\n").compactMap { Int($0) }
            let stored = try cli.object(["stats", "--json"])["total"] as? Int ?? -1
            #expect(result.status == 130, "\(result.stderr)")
            #expect(ids.count > 0 && ids.count < total && ids.count % 5_000 == 0 && stored == enqueued + ids.count,
                    "json \(json): \(ids.count) ids printed, \(stored - enqueued) stored")
            #expect(result.stderr.contains("stopping after the batch in flight"), "\(result.stderr)")
            #expect(result.stderr.hasSuffix("taskq: error: interrupted: enqueued \(ids.count) of \(total) jobs (their ids are on stdout)\n"),
                    "\(result.stderr)")
            enqueued = stored
        }

        // Interrupted while the lines are still being read and checked: nothing is written. A file of 400,000 lines
        // takes the command seconds to check, so the signal lands in that phase even when this process oversleeps
        // on a busy machine (with 60,000 it once slept past the whole enqueue).
        try (1...400_000).map { "{\"name\":\"e\($0)\",\"task\":\"noop\"}" }.joined(separator: "\n")
            .write(toFile: cli.path("early.jsonl"), atomically: true, encoding: .utf8)
        let early = try cli.start(["create-job", "--from-file", "early.jsonl"])
        Thread.sleep(forTimeInterval: 0.05)
        early.signal(SIGINT)
        let result = try early.wait(timeout: 60)
        #expect(result.status == 130 || (result.signaled && result.status == SIGINT), "\(result.stderr)")
        #expect(result.stdout.isEmpty && (result.stderr.isEmpty || result.stderr == "taskq: error: interrupted: nothing was written\n"),
                "\(result.stderr)")
        #expect(try cli.object(["stats", "--json"])["total"] as? Int == enqueued)
    }

    /// Defect 7: a database in a directory this user cannot write is still readable; writes are refused with 69.
    @Test func readOnlyDirectoryStillReads() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let id = try cli.run(["create-job", "x", "--task", "noop"]).stdout.trimmed
        var run: ([String]) throws -> CLI.Result
        if geteuid() == 0 {
            // root writes anywhere: run as nobody instead, in a directory nobody cannot write.
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: cli.dir)
            guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") || FileManager.default.isExecutableFile(atPath: "/sbin/runuser") else { return }
            run = { args in
                let process = try cli.start(["-u", "nobody", "--", CLI.binary] + args, binary: "/usr/sbin/runuser")
                return try process.wait(timeout: 60)
            }
            // A new database is its owner's only (docs/contracts.md#the-sqlite-file); shared on purpose, others read it.
            let private_ = try run(["list-jobs", "--json"])
            #expect(private_.status == 69 && private_.stderr.contains("permission denied: this user cannot read the file"), "\(private_.stderr)")
            chmod(cli.path("taskq.sqlite3"), 0o644)
            // Behind a directory this user may not enter: said so, not "does not exist: run migrate".
            chmod(cli.dir, 0o700)
            let closed = try run(["list-jobs", "--json"])
            #expect(closed.status == 69 && closed.stderr.contains("a directory on its path is closed to this user"), "\(closed.stderr)")
            chmod(cli.dir, 0o755)
        } else {
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: cli.dir)
            run = { try cli.run($0) }
        }
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: cli.dir) }
        let listed = try run(["list-jobs", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect((listed.json as? [[String: Any]])?.first?["id"] as? Int == Int(id))
        #expect(try run(["show-job", id]).status == 0)
        #expect(try run(["stats", "--json"]).status == 0)
        let write = try run(["create-job", "y", "--task", "noop"])
        #expect(write.status == 69 && write.stderr.split(separator: "\n").count == 1, "\(write.stderr)")
        // `migrate` of a database already up to date has nothing to write: it says so (exit 0).
        let migrate = try run(["migrate"])
        #expect(migrate.status == 0 && migrate.stdout.contains("is up to date"), "\(migrate.stderr)")
    }

    /// A `./taskq.toml` this user cannot read is an error (64), never skipped: its database URL would silently not
    /// apply and the command would use (or `migrate` create) another database.
    @Test func anUnreadableConfigInTheWorkingDirectoryIsRefused() throws {
        let cli = try CLI()
        let config = cli.path("taskq.toml")
        try "database_url = \"sqlite:elsewhere.sqlite3\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: config)
        var run: ([String]) throws -> CLI.Result = { try cli.run($0) }
        if geteuid() == 0 {
            guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") else { return }
            try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: cli.dir)
            run = { args in try cli.start(["-u", "nobody", "--", CLI.binary] + args, binary: "/usr/sbin/runuser").wait(timeout: 60) }
        }
        cli.databaseURL = nil
        for args in [["list-jobs"], ["migrate"]] {
            let refused = try run(args)
            #expect(refused.status == 64 && refused.stderr == "taskq: error: config file 'taskq.toml' in the working directory is not readable by this user\n",
                    "\(args): \(refused.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: cli.path("taskq.sqlite3")), "migrate created a database the config did not name")
    }

    /// Defect 8: list-jobs --json is streamed in pages; across page boundaries it is still one array, newest first,
    /// every job once.
    @Test(arguments: AnyBackend.allCases)
    func streamedListingIsOneArray(backend: AnyBackend) throws {
        let cli = try backend.migratedCLI()
        let lines = (1...2_345).map { "{\"task\":\"echo\",\"args\":{\"n\":\($0)}}" }.joined(separator: "\n")
        #expect(try cli.run(["create-job", "--from-file", "-"], stdin: lines, timeout: 120).status == 0)
        for (limit, expected) in [(100_000, 2_345), (2_001, 2_001), (1_000, 1_000), (1, 1)] {
            let result = try cli.run(["list-jobs", "--json", "--limit", String(limit)], timeout: 120)
            let ids = ((result.json as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int }
            #expect(ids.count == expected, "\(backend) --limit \(limit): \(ids.count)")
            #expect(ids == ids.sorted(by: >) && Set(ids).count == ids.count)
        }
        let all = ((try cli.run(["list-jobs", "--json", "--limit", "100000"]).json as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int }
        let pivot = all[1_145]
        let page = ((try cli.run(["list-jobs", "--json", "--limit", "1500", "--before-id", String(pivot)]).json as? [[String: Any]]) ?? [])
        #expect(page.compactMap { $0["id"] as? Int } == Array(all.filter { $0 < pivot }.prefix(1_500)))
    }

    /// The fuzz run left a `sleep` job with a huge `seconds`: `UInt64(seconds * 1e9)` trapped the worker. Now such
    /// a job is refused at enqueue, and one already stored (written by an older taskq: here, by hand) fails while
    /// the worker goes on.
    @Test func sleepWithAHugeDurationFailsTheJobNotTheWorker() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let refused = try cli.run(["create-job", "s", "--task", "sleep", "--args", "{\"seconds\":1e20}"])
        #expect(refused.status == 64 && refused.stderr.contains("sleep needs args.seconds"), "\(refused.stderr)")
        let id = try cli.run(["create-job", "s", "--task", "sleep", "--args", "{\"seconds\":0}", "--max-retries", "0"]).stdout.trimmed
        let edit = "import sqlite3; c = sqlite3.connect('taskq.sqlite3'); c.execute(\"UPDATE taskq_jobs SET args = '{\\\"seconds\\\":1e20}' WHERE id = \(id)\"); c.commit()"
        #expect(try cli.start(["python3", "-c", edit], binary: "/usr/bin/env").wait(timeout: 30).status == 0)
        let worker = try cli.run(["run-worker", "--burst"])
        #expect(worker.status == 0, "\(worker.stderr)")
        #expect(try cli.jobState(id) == "failed")
    }
}
