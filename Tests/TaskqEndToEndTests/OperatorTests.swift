import Foundation
import Testing
import TaskqTestSupport

/// What an operator sees and controls from the shell: workers, queue pauses, the live stats view and the enqueue
/// warning, run through the built binary.
@Suite("End to end: operators")
struct OperatorTests {
    /// `workers --json` entries by id.
    private func workers(_ cli: CLI, all: Bool = false) throws -> [String: [String: Any]] {
        let result = try cli.run(["workers", "--json"] + (all ? ["--all"] : []))
        #expect(result.status == 0, "\(result.stderr)")
        let list = (result.json as? [[String: Any]]) ?? []
        return Dictionary(list.map { ($0["id"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    @Test(arguments: AnyBackend.allCases)
    func workersListsARunningWorkerAndMarksItLostAfterKill9(backend: AnyBackend) throws {
        let cli = try backend.migratedCLI()
        let worker = try cli.start(["run-worker", "--worker-id", "ops-w1", "-q", "default,mail", "-c", "3", "--lease", "1s",
                                    "--poll-interval", "50ms"])
        defer { worker.signal(SIGKILL) }
        try cli.waitUntil(30, "the worker to register") { try workers(cli)["ops-w1"] != nil }
        let id = try cli.run(["create-job", "one", "--task", "noop"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try cli.waitUntil(30, "the job to complete") { try cli.jobState(id) == "completed" }
        try cli.waitUntil(10, "the worker to report its tally") { try workers(cli)["ops-w1"]?["completed"] as? Int == 1 }
        // Idle for longer than its lease, it still touches the store and stays live.
        Thread.sleep(forTimeInterval: 2.5)
        let live = try #require(try workers(cli)["ops-w1"])
        #expect(live["lost"] as? Bool == false && live["queues"] as? [String] == ["default", "mail"])
        #expect(live["concurrency"] as? Int == 3 && live["lease_ms"] as? Int == 1000 && live["running"] as? Int == 0)
        #expect(live["failed"] as? Int == 0 && live["pid"] as? Int == Int(worker.pid))
        #expect(live["started_at"] is String && live["last_seen"] is String && live["host"] is String)

        worker.signal(SIGKILL)
        _ = try worker.wait(timeout: 10)
        try cli.waitUntil(10, "the killed worker to drop out of the live list") { try workers(cli)["ops-w1"] == nil }
        #expect(try workers(cli, all: true)["ops-w1"]?["lost"] as? Bool == true)
        let text = try cli.run(["workers", "--all"])
        #expect(text.status == 0 && text.stdout.contains("ops-w1") && text.stdout.contains("lost"))
        // Lost for longer than --older-than: purge removes the record.
        Thread.sleep(forTimeInterval: 1.1)
        let purge = try cli.run(["purge", "--older-than", "1s", "--json"])
        #expect(purge.status == 0 && (purge.json as? [String: Any])?["workers"] as? Int == 1, "\(purge.stdout)\(purge.stderr)")
        #expect(try workers(cli, all: true).isEmpty)
    }

    @Test(arguments: AnyBackend.allCases)
    func aPausedQueueIsNotClaimedByARunningWorkerUntilResumed(backend: AnyBackend) throws {
        let cli = try backend.migratedCLI()
        let paused = try cli.run(["queue", "pause", "mail", "--json"])
        #expect(paused.status == 0 && (paused.json as? [String: Any])?["paused"] as? Bool == true, "\(paused.stderr)")
        #expect(try cli.run(["queue", "pause", "mail"]).status == 0, "pausing twice is fine")
        // Polling every 30 s: only the resume's wake-up (or the worker's periodic touch) lets it look again soon.
        let worker = try cli.start(["run-worker", "--worker-id", "ops-w2", "-q", "mail,default", "--poll-interval", "30s"])
        defer { worker.signal(SIGKILL) }
        try cli.waitUntil(30, "the worker to register") { try workers(cli)["ops-w2"] != nil }
        let held = try cli.run(["create-job", "held", "--task", "noop", "--queue", "mail"])
        // A live reader: no "no live worker" warning, but one line saying the queue is paused.
        #expect(held.status == 0 && held.stderr == "taskq: warning: queue 'mail' is paused; the job waits until `taskq queue resume` resumes it\n",
                "\(held.stderr)")
        let heldID = held.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let free = try cli.run(["create-job", "free", "--task", "noop"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try cli.waitUntil(30, "the job in the running queue to complete") { try cli.jobState(free) == "completed" }
        Thread.sleep(forTimeInterval: 1.5)
        #expect(try cli.jobState(heldID) == "pending")
        let list = try #require(try cli.run(["queue", "list", "--json"]).json as? [[String: Any]])
        let mail = try #require(list.first { $0["name"] as? String == "mail" })
        #expect(mail["paused"] as? Bool == true && mail["live_workers"] as? Int == 1 && (mail["counts"] as? [String: Int])?["pending"] == 1)

        let resumed = try cli.run(["queue", "resume", "mail"])
        #expect(resumed.status == 0 && resumed.stdout.contains("resumed"))
        try cli.waitUntil(4, "the resumed queue's job to complete promptly") { try cli.jobState(heldID) == "completed" }
        let again = try cli.run(["queue", "resume", "mail"])
        #expect(again.status == 0 && again.stderr.contains("not paused"))
        worker.signal(SIGTERM)
        #expect(try worker.wait(timeout: 30).status == 0)
    }

    @Test func statsWatchOffATerminalPrintsPlainSnapshotsAndExitsZeroOnSIGINT() throws {
        let cli = try AnyBackend.sqlite.migratedCLI()
        try cli.run(["create-job", "w", "--task", "noop", "--queue", "näme-隊列"])
        let plain = try cli.start(["stats", "--watch", "--interval", "200ms"])
        Thread.sleep(forTimeInterval: 1.2)
        plain.signal(SIGINT)
        let text = try plain.wait(timeout: 10)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.components(separatedBy: "QUEUE").count - 1 >= 3, "one snapshot per interval")
        #expect(!text.stdout.contains("\u{1B}"), "no escape codes off a terminal")
        #expect(text.stdout.contains("näme-隊列") && text.stdout.contains("Workers: 0 live"))

        let json = try cli.start(["stats", "--watch", "--json", "--interval", "200ms"])
        Thread.sleep(forTimeInterval: 1.0)
        json.signal(SIGTERM)
        let lines = try json.wait(timeout: 10)
        #expect(lines.status == 0)
        let objects = lines.lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count >= 3 && objects.count == lines.lines.count, "one JSON object per line")
        let queue = (objects.last?["queues"] as? [[String: Any]])?.first
        #expect(queue?["name"] as? String == "näme-隊列" && (queue?["counts"] as? [String: Int])?["pending"] == 1)
        #expect(queue?["oldest_waiting_ms"] is Int && objects.last?["completed_per_sec"] is NSNumber)
        #expect(try cli.run(["stats", "--interval", "1s"]).status == 64)
    }

    @Test func enqueueToAQueueNoLiveWorkerReadsWarnsOnceAndSucceeds() throws {
        let cli = try AnyBackend.sqlite.migratedCLI()
        let single = try cli.run(["create-job", "x", "--task", "noop", "--queue", "reports"])
        #expect(single.status == 0)
        #expect(single.stderr == "taskq: warning: no live worker reads queue 'reports'; the job waits until one does\n")
        // With JSON logs the warning is a JSON record too, and so is the note on an existing unique key.
        let logged = try cli.run(["create-job", "x", "--task", "noop", "--queue", "reports", "--unique-key", "k", "--log-format", "json"])
        let again = try cli.run(["create-job", "x", "--task", "noop", "--queue", "reports", "--unique-key", "k", "--log-format", "json"])
        let records = (logged.stderr + again.stderr).split(separator: "\n").map {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(records.count == 2 && records.allSatisfy { $0?["time"] is String }, "\(logged.stderr)\(again.stderr)")
        #expect(records.first??["level"] as? String == "warning" && (records.first??["message"] as? String)?.contains("'reports'") == true)
        #expect(records.last??["level"] as? String == "notice" && (records.last??["message"] as? String)?.contains("unique key") == true)
        let file = cli.path("jobs.jsonl")
        try #"{"task":"noop","queue":"reports"}\#n{"task":"noop","queue":"reports"}\#n{"task":"noop"}\#n"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let bulk = try cli.run(["create-job", "--from-file", file])
        #expect(bulk.status == 0 && bulk.lines.count == 3)
        #expect(bulk.stderr.split(separator: "\n").filter { $0.contains("warning") }.count == 1, "\(bulk.stderr)")
        let worker = try cli.start(["run-worker", "-q", "default", "--poll-interval", "50ms"])
        defer { worker.signal(SIGKILL) }
        try cli.waitUntil(30, "the worker to register") { try workers(cli).count == 1 }
        #expect(try cli.run(["create-job", "y", "--task", "noop"]).stderr.isEmpty)
        #expect(try cli.run(["create-job", "z", "--task", "noop", "--queue", "reports"]).stderr.contains("'reports'"))
        worker.signal(SIGTERM)
        _ = try worker.wait(timeout: 30)
    }
}
