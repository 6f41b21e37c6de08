import Foundation
import Testing

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
}
