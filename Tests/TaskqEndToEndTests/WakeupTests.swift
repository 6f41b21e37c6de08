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
}
