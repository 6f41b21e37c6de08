import Foundation
import Testing

/// `/metrics` counts what workers did: completed, retried and failed-for-good attempts are separate series, per
/// worker process, on every backend.
@Suite("serve: worker counters in /metrics")
struct ServeMetricsTests {
    @Test(arguments: APIBackend.allCases)
    func workerCountersSeparateCompletedRetriedAndFailed(backend: APIBackend) throws {
        let api = try APIFixture(backend)
        defer { _ = try? api.server.terminate() }
        for name in ["a", "b"] { #expect(try api.cli.run(["create-job", name, "--task", "noop"]).status == 0) }
        // One retry (attempt 1 fails, is retried at once), then failed for good (attempt 2).
        #expect(try api.cli.run(["create-job", "doomed", "--task", "fail", "--max-retries", "1", "--retry-delay", "0s"]).status == 0)
        let worker = try api.cli.start(["run-worker", "--lease", "1s", "--worker-id", "metrics-w1", "--log-level", "error"])
        defer { worker.signal(SIGTERM); _ = try? worker.wait(timeout: 30) }

        var text = ""
        try api.cli.waitUntil(30, "the worker's tallies in /metrics") {
            text = try api.call("GET", "/metrics").text
            return text.contains(#"taskq_jobs_completed_total{worker="metrics-w1"} 2"#)
                && text.contains(#"taskq_jobs_retried_total{worker="metrics-w1"} 1"#)
                && text.contains(#"taskq_jobs_failed_total{worker="metrics-w1"} 1"#)
        }
        #expect(text.contains(#"taskq_workers{status="live"} 1"#), "\(text.prefix(3000))")
        #expect(text.contains(#"taskq_jobs{queue="default",state="failed"} 1"#))
        #expect(text.contains("# TYPE taskq_jobs_completed_total counter"))
        #expect(text.contains("taskq_http_requests_total"))
    }
}
