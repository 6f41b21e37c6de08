import Foundation
import Testing
import TaskqTestSupport

/// The worker's own log on stderr: one line per record, job fields structured in JSON.
@Suite("End to end: worker logs")
struct WorkerLogTests {
    @Test func textLogKeepsOneLinePerRecordAndCountsAttemptsInWords() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let id = try cli.run(["create-job", "multi", "--task", "fail", "--max-retries", "0",
                              "--args", #"{"message":"first line\nsecond line\u001b[2J"}"#]).stdout.trimmed
        let worker = try cli.run(["run-worker", "--burst"])
        #expect(worker.status == 0)
        let lines = worker.stderr.split(separator: "\n")
        let failed = lines.filter { $0.contains("job \(id) failed") }
        #expect(failed.count == 1 && failed[0].contains("after 1 attempt in ") && failed[0].contains(#"first line\x0asecond line\x1b[2J"#),
                "\(worker.stderr)")
        #expect(!worker.stderr.contains("\u{1B}") && lines.allSatisfy { $0.hasPrefix("20") }, "\(worker.stderr)")
    }

    /// `run-worker --burst` on a terminal draws a progress line below its log (through `script`, which gives it a
    /// pseudo-terminal), and removes it at the end; off a terminal, or with a JSON log, there is none.
    @Test func aBurstDrainOnATerminalShowsItsProgress() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let lines = (1...300).map { "{\"name\":\"j\($0)\",\"task\":\"noop\"}" }.joined(separator: "\n")
        try cli.run(["create-job", "--from-file", "-"], stdin: lines)
        try cli.run(["create-job", "last", "--task", "sleep", "--args", #"{"seconds":0.6}"#])
        let onTerminal = try cli.start(["-qec", "\(shellQuoted(CLI.binary)) run-worker --burst", "/dev/null"], binary: "/usr/bin/script")
        let result = try onTerminal.wait(timeout: 60)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("drain [") && result.stdout.contains("/301") && result.stdout.contains("jobs/s"), "\(result.stdout.suffix(500))")
        #expect(result.stdout.contains("stopped: 301 completed") && result.stdout.hasSuffix("\r\u{1B}[K"), "\(result.stdout.suffix(300))")

        try cli.run(["create-job", "--from-file", "-"], stdin: lines)
        let plain = try cli.run(["run-worker", "--burst"])
        #expect(plain.status == 0 && plain.stderr.contains("stopped: 300 completed") && !plain.stderr.contains("drain ["))
    }

    @Test func jsonLogCarriesJobFields() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let id = try cli.run(["create-job", "hello", "--task", "echo", "--queue", "mail"]).stdout.trimmed
        let worker = try cli.run(["run-worker", "--burst", "--queue", "mail", "--log-format", "json", "--log-level", "debug"])
        #expect(worker.status == 0)
        let records = worker.stderr.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let done = try #require(records.first { ($0["message"] as? String)?.contains("completed") == true && $0["job_id"] != nil },
                                "\(worker.stderr)")
        #expect(done["job_id"] as? Int == Int(id) && done["task"] as? String == "echo" && done["queue"] as? String == "mail")
        #expect(done["attempt"] as? Int == 1 && (done["duration_ms"] as? Int).map { $0 >= 0 } == true, "\(done)")
        // Records of the job's own logger (its start, what its task logs) carry the fields too, made as written.
        let started = try #require(records.first { ($0["message"] as? String)?.contains("job \(id) started") == true },
                                   "\(worker.stderr)")
        #expect(started["job_id"] as? Int == Int(id) && started["task"] as? String == "echo" && started["queue"] as? String == "mail"
                && started["attempt"] as? Int == 1, "\(started)")
    }

    /// A burst worker does not wait for jobs due later; the line saying it exits counts them, and names a paused queue.
    @Test func aBurstWorkerSaysWhatItLeavesForLater() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        try cli.run(["create-job", "flaky", "--task", "fail", "--retry-delay", "1h"])
        try cli.run(["create-job", "later", "--task", "noop", "--in", "1h"])
        try cli.run(["create-job", "held", "--task", "noop", "--queue", "mail"])
        try cli.run(["queue", "pause", "mail"])
        let worker = try cli.run(["run-worker", "--burst", "-q", "default,mail"])
        #expect(worker.status == 0)
        #expect(worker.stderr.contains("burst: no job is due (paused: mail; due later: 1 retrying, 1 scheduled); exiting"),
                "\(worker.stderr)")
    }
}
