import Foundation
import Testing

@Suite("End to end: commands")
struct CommandTests {
    @Test func migrateIsIdempotentListsVersionsAndWorksFromACopiedBinary() throws {
        let cli = try CLI()
        #expect(try cli.run(["migrate"]).status == 0)
        let again = try cli.run(["migrate"])
        #expect(again.status == 0 && again.stdout.contains("No migrations to apply"))
        let list = try cli.object(["migrate", "--list", "--json"])
        let migrations = list["migrations"] as? [[String: Any]] ?? []
        #expect(!migrations.isEmpty && migrations.allSatisfy { $0["applied"] as? Bool == true })
        // The SQL is embedded: a copy of the binary elsewhere migrates a new database.
        let copy = cli.path("bin-copy-taskq")
        try FileManager.default.copyItem(atPath: CLI.binary, toPath: copy)
        let result = try cli.start(["migrate", "--database-url", "sqlite:copied.sqlite3"], binary: copy).wait(timeout: 30)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: cli.path("copied.sqlite3")))
    }

    @Test func concurrentMigratesDoNotCorruptAnything() throws {
        let cli = try CLI()
        let runs = try (0..<4).map { _ in try cli.start(["migrate"]) }
        for run in runs { #expect(try run.wait(timeout: 30).status == 0) }
        #expect(try cli.run(["create-job", "x", "--task", "noop"]).status == 0)
    }

    @Test func createListShowStatsCancelRetry() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let created = try cli.run(["create-job", "hello", "--task", "echo", "--args", #"{"who":"ops"}"#, "--priority", "high"])
        #expect(created.status == 0 && created.stdout == "1\n")
        let asJSON = try cli.object(["create-job", "later", "--task", "noop", "--in", "1h", "--queue", "mail", "--json"])
        #expect(asJSON["id"] as? Int == 2 && asJSON["state"] as? String == "scheduled" && asJSON["queue"] as? String == "mail")
        for key in ["id", "name", "task", "args", "queue", "priority", "state", "attempts", "max_retries", "run_at", "created_at",
                    "started_at", "finished_at", "result", "error", "worker", "unique_key"] {
            #expect(asJSON.keys.contains(key), "job JSON lacks \(key)")
        }
        #expect(asJSON["started_at"] is NSNull)
        #expect((asJSON["created_at"] as? String)?.hasSuffix("Z") == true && (asJSON["created_at"] as? String)?.count == 24)

        let list = try cli.run(["list-jobs", "--json"]).json as? [[String: Any]] ?? []
        #expect(list.map { $0["id"] as? Int } == [2, 1])
        #expect(list.last?["priority"] as? Int == 8)
        let filtered = try cli.run(["list-jobs", "--state", "scheduled", "--json"]).json as? [[String: Any]] ?? []
        #expect(filtered.map { $0["name"] as? String } == ["later"])
        #expect(try cli.run(["list-jobs"]).stdout.contains("hello"))

        let stats = try cli.object(["stats", "--json"])
        #expect(stats["total"] as? Int == 2)
        #expect((stats["by_state"] as? [String: Int])?["pending"] == 1)
        #expect(((stats["by_queue"] as? [String: Any])?["mail"] as? [String: Int])?["scheduled"] == 1)

        let cancel = try cli.run(["cancel", "2"])
        #expect(cancel.status == 0 && cancel.stdout.contains("Cancelled"))
        #expect(try cli.jobState("2") == "cancelled")
        let again = try cli.run(["cancel", "2"])
        #expect(again.status == 1 && again.stderr.contains("cannot be cancelled"))
        #expect(try cli.run(["retry", "2"]).status == 0)
        #expect(try cli.jobState("2") == "pending")
        #expect(try cli.run(["retry", "1"]).status == 1)

        let tasks = try cli.run(["list-tasks", "--json"]).json as? [[String: Any]] ?? []
        let names = Set(tasks.compactMap { $0["name"] as? String })
        #expect(names.isSuperset(of: ["shell", "echo", "sleep", "fail", "noop"]))
        #expect(tasks.allSatisfy { !(($0["description"] as? String) ?? "").isEmpty })
    }

    @Test func uniqueKeyReturnsTheExistingID() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let first = try cli.run(["create-job", "a", "--task", "noop", "--unique-key", "daily"])
        let second = try cli.run(["create-job", "b", "--task", "noop", "--unique-key", "daily"])
        #expect(first.stdout == second.stdout && second.status == 0)
    }

    @Test func workerRunsShellEchoAndFailingJobs() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let shell = try cli.run(["create-job", "greet", "--", "sh", "-c", "echo out; echo oops >&2; exit 0"]).stdout.trimmed
        let bad = try cli.run(["create-job", "bad", "--max-retries", "1", "--retry-delay", "100ms", "--", "sh", "-c", "echo broken >&2; exit 3"]).stdout.trimmed
        let echo = try cli.run(["create-job", "e", "--task", "echo", "--args", #"{"n":1}"#]).stdout.trimmed
        let worker = try cli.start(["run-worker", "--poll-interval", "50ms"])
        try cli.waitUntil(30, "jobs to finish") { try cli.jobState(bad) == "failed" && cli.jobState(shell) == "completed" }
        worker.signal(SIGTERM)
        #expect(try worker.wait(timeout: 30).status == 0)

        let done = try cli.object(["show-job", shell, "--json"])
        let result = done["result"] as? [String: Any]
        #expect(result?["exit_code"] as? Int == 0 && result?["stdout"] as? String == "out\n" && result?["stderr"] as? String == "oops\n")
        let failed = try cli.object(["show-job", bad, "--json"])
        #expect(failed["attempts"] as? Int == 2)
        #expect((failed["error"] as? String)?.contains("exit code 3") == true && (failed["error"] as? String)?.contains("broken") == true)
        let history = failed["history"] as? [[String: Any]] ?? []
        #expect(history.count == 2 && history.allSatisfy { $0["outcome"] as? String == "failed" && $0["error"] as? String != nil })
        #expect(try cli.object(["show-job", echo, "--json"])["result"] as? [String: Int] == ["n": 1])
    }

    @Test func fromFileEnqueuesEveryLineOrNothing() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let lines = [
            #"{"name":"a","task":"echo","args":{"x":1},"priority":"high"}"#,
            #"{"task":"noop","queue":"bulk"}"#,
            #"{"name":"c","command":["true"],"max_retries":0,"timeout":"5s"}"#,
        ].joined(separator: "\n") + "\n"
        let ok = try cli.run(["create-job", "--from-file", "-"], stdin: lines)
        #expect(ok.status == 0 && ok.lines == ["1", "2", "3"], "\(ok.stderr)")
        let bad = try cli.run(["create-job", "--from-file", "-"], stdin: lines + #"{"task":"noop","priority":42}"# + "\n")
        #expect(bad.status == 65 && bad.stderr.contains("line 4"))
        #expect((try cli.run(["list-jobs", "--json"]).json as? [Any])?.count == 3)
    }

    /// Lines are checked in parallel chunks: the error still names the first bad line of the file, whichever
    /// chunk finishes first; a unique key repeated in the file enqueues one job (its id printed for each line);
    /// blank lines, CRLF line ends and a line that is not UTF-8 are read as before.
    @Test func fromFileNamesTheFirstBadLineAndDedupesKeysInTheFile() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        var lines = (1...10_000).map { #"{"name":"j\#($0)","task":"noop"}"# }
        var bad = lines
        bad[8_999] = #"{"name":"x","task":"noop","priority":42}"#
        bad[1_499] = #"{"name":"x","task":"noop","priority":99}"#
        let built = try cli.run(["create-job", "--from-file", "-"], stdin: bad.joined(separator: "\n"))
        #expect(built.status == 65 && built.stderr.contains("stdin line 1500:") && !built.stderr.contains("line 9000"), "\(built.stderr)")
        bad[7_000] = "{not json"
        bad[3_000] = #"{"name":"x","task":"noop","queue":"a b"}"#
        bad[2_999] = #"{"name":"x","task":"noop","bogus":1}"#
        let parsed = try cli.run(["create-job", "--from-file", "-"], stdin: bad.joined(separator: "\n"))
        #expect(parsed.status == 65 && parsed.stderr.contains("stdin line 3000: unknown field 'bogus'"), "\(parsed.stderr)")
        #expect((try cli.run(["list-jobs", "--json"]).json as? [Any])?.count == 0)

        lines[0] = #"{"name":"u1","task":"noop","unique_key":"u"}"# + "\r"
        lines[4_000] = #"{"name":"u2","task":"noop","unique_key":"u"}"#
        lines[9_999] = #"{"name":"u3","task":"noop","unique_key":"u"}"#
        lines[5_000] = "  \t\r"
        lines[6_000] = "{\"name\":\"caf\u{e9} \u{2713}\",\"task\":\"noop\"}"
        var data = Data(lines.joined(separator: "\n").utf8)
        data.append(contentsOf: Array("\n{\"name\":\"bad-".utf8) + [0xFF, 0xFE] + Array("\",\"task\":\"noop\"}\n\n".utf8))
        try data.write(to: URL(fileURLWithPath: cli.path("jobs.jsonl")))
        let ok = try cli.run(["create-job", "--from-file", "jobs.jsonl"], timeout: 120)
        #expect(ok.status == 0, "\(ok.stderr)")
        let ids = ok.lines.compactMap { Int($0) }
        #expect(ids.count == 10_000, "one id per non-blank line: \(ids.count)")
        // Line 5001 is blank, so lines after it print one place earlier.
        #expect(ids[0] == ids[4_000] && ids[0] == ids[9_998] && Set(ids).count == 9_998)
        let created = ids.enumerated().filter { $0.offset != 4_000 && $0.offset != 9_998 }.map(\.element)
        #expect(created == created.sorted() && Set(created).count == created.count, "ids ascend in file order")
        let accented = try cli.object(["show-job", String(ids[5_999]), "--json"])
        #expect(accented["name"] as? String == "caf\u{e9} \u{2713}")
        let replaced = try cli.object(["show-job", String(ids[9_999]), "--json"])
        #expect(replaced["name"] as? String == "bad-\u{FFFD}\u{FFFD}")
        let stats = try cli.object(["stats", "--json"])
        #expect(stats["total"] as? Int == 9_998)
    }

    @Test func namedTasksAndDatabaseURLFromTaskqToml() throws {
        let cli = try CLI()
        try """
            database_url = "sqlite:from-config.sqlite3"
            [defaults]
            max_retries = 1
            [tasks.greet]
            description = "Say hello to someone"
            command = ["sh", "-c", "echo hello $0", "{who}"]
            queue = "greetings"
            """.write(toFile: cli.path("taskq.toml"), atomically: true, encoding: .utf8)
        #expect(try cli.run(["migrate"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: cli.path("from-config.sqlite3")))
        let tasks = try cli.run(["list-tasks"])
        #expect(tasks.stdout.contains("greet") && tasks.stdout.contains("Say hello to someone"))
        let id = try cli.run(["create-job", "hi", "--task", "greet", "--args", #"{"who":"ada"}"#]).stdout.trimmed
        let job = try cli.object(["show-job", id, "--json"])
        #expect(job["queue"] as? String == "greetings" && job["max_retries"] as? Int == 1)
        #expect(try cli.run(["run-worker", "--burst", "--queue", "greetings"]).status == 0)
        let done = try cli.object(["show-job", id, "--json"])
        #expect((done["result"] as? [String: Any])?["stdout"] as? String == "hello ada\n")
        // A flag beats the file.
        #expect(try cli.run(["list-jobs", "--database-url", "sqlite:missing.sqlite3"]).status == 69)
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
