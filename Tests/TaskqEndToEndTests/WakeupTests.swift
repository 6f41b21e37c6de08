import Foundation
import Testing

/// An idle SQLite worker wakes for every commit by another process: no job waits for the idle timer.
@Suite("End to end: SQLite wake-ups")
struct WakeupTests {
    @Test func everyJobEnqueuedByAnotherProcessStartsWithoutWaitingForTheIdleTimer() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        // The idle timer is 10 s: a missed wake-up would show as a job waiting seconds to start.
        let worker = try cli.start(["run-worker", "--poll-interval", "10s", "--log-level", "error"])
        defer { worker.signal(SIGTERM); _ = try? worker.wait(timeout: 30) }
        Thread.sleep(forTimeInterval: 0.5)
        var generator = SystemRandomNumberGenerator()
        let count = 150
        for i in 0..<count {
            #expect(try cli.run(["create-job", "w\(i)", "--task", "noop"]).status == 0)
            Thread.sleep(forTimeInterval: Double(UInt64.random(in: 0...40, using: &generator)) / 1000)
        }
        try cli.waitUntil(60, "every job to complete") {
            (try cli.object(["stats", "--json"])["by_state"] as? [String: Int])?["completed"] == count
        }
        let jobs = try #require(try cli.run(["list-jobs", "--limit", "1000", "--json"]).json as? [[String: Any]])
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let waits = jobs.compactMap { job -> Double? in
            guard let created = (job["created_at"] as? String).flatMap(formatter.date),
                  let started = (job["started_at"] as? String).flatMap(formatter.date) else { return nil }
            return started.timeIntervalSince(created)
        }
        #expect(waits.count == count)
        let late = waits.filter { $0 > 3 }
        #expect(late.isEmpty, "\(late.count) of \(count) jobs waited more than 3 s to start (longest \(waits.max() ?? 0) s)")
    }

    /// The benchmark's enqueue-to-start figure comes from two log records: `create-job`'s record written just before
    /// the job is (so the job cannot start before it) and the worker's `job N started`, both with microsecond times.
    @Test func enqueueToStartReadsFromTheLogsInMicroseconds() throws {
        let cli = try CLI()
        try cli.run(["migrate"])
        let worker = try cli.start(["run-worker", "--log-level", "debug", "--log-format", "json"])
        defer { worker.signal(SIGTERM); _ = try? worker.wait(timeout: 30) }
        try cli.waitUntil(30, "the worker to start") { worker.stderrText.contains("started: queues") }
        let created = try cli.run(["create-job", "timed", "--task", "noop", "--log-level", "debug", "--log-format", "json"])
        #expect(created.status == 0)
        let id = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Self.records(created.stderr).contains { ($0["message"] as? String) == "job \(id) created in queue default" })
        let commit = try #require(Self.records(created.stderr).first { ($0["message"] as? String) == "writing job timed" })
        try cli.waitUntil(30, "the job to start") { worker.stderrText.contains("\"job \(id) started: timed [noop]") }
        let start = try #require(Self.records(worker.stderrText).first { ($0["message"] as? String)?.hasPrefix("job \(id) started:") == true })
        let (committedAt, startedAt) = (try #require(Self.micros(commit["time"])), try #require(Self.micros(start["time"])))
        #expect(startedAt >= committedAt && startedAt - committedAt < 10_000_000, "\(committedAt) → \(startedAt)")
    }

    private static func records(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// `2026-11-30T07:31:51.822625Z` as microseconds since the epoch; nil unless it has exactly six fractional digits.
    private static func micros(_ value: Any?) -> Int64? {
        guard let text = value as? String, text.count == 27, text.hasSuffix("Z") else { return nil }
        let parts = text.dropLast().split(separator: ".")
        guard parts.count == 2, parts[1].count == 6, let fraction = Int64(parts[1]) else { return nil }
        let formatter = ISO8601DateFormatter()
        guard let whole = formatter.date(from: parts[0] + "Z") else { return nil }
        return Int64(whole.timeIntervalSince1970) * 1_000_000 + fraction
    }
}
