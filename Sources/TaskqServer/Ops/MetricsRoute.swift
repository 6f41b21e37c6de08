import HTTPTypes
import Hummingbird
import Prometheus
import TaskKit

/// `/metrics` in Prometheus text format: read fresh from the store on each scrape (a snapshot: counts per queue and
/// state, oldest waiting job per queue, paused queues, workers with their tallies), plus this server's own HTTP
/// counters. Needs a token (or session) unless `--public-metrics`. docs/server.md#metrics lists every series.
struct MetricsRoute {
    let state: ServerState

    func register(on router: Router<ServerContext>) {
        router.get("metrics") { request, context in try await self.scrape(context) }
    }

    func scrape(_ context: ServerContext) async throws -> Response {
        if !state.settings.publicMetrics { _ = try context.requireUser() }
        let now = Clock.now()
        let snapshot = try await StatsSnapshot.take(from: state.store, now: now)
        let registry = PrometheusCollectorRegistry()
        for queue in snapshot.queues {
            for jobState in JobState.allCases {
                registry.makeGauge(descriptor: .named("taskq_jobs", help: "Jobs in the store per queue and state."),
                                   labels: [("queue", queue), ("state", jobState.rawValue)])
                    .set(Int64(snapshot.counts.count(queue: queue, state: jobState)))
            }
            registry.makeGauge(descriptor: .named("taskq_queue_oldest_waiting_seconds",
                                                  help: "Age of the queue's oldest due waiting job (0 when none waits)."),
                               labels: [("queue", queue)])
                .set(Double(snapshot.oldestWaitMillis(queue: queue) ?? 0) / 1000)
            registry.makeGauge(descriptor: .named("taskq_queue_paused", help: "1 when the queue is paused."),
                               labels: [("queue", queue)])
                .set(Int64(snapshot.paused[queue] == nil ? 0 : 1))
        }
        let workers = MetricNameDescriptor.named("taskq_workers", help: "Worker processes by status.")
        registry.makeGauge(descriptor: workers, labels: [("status", "live")]).set(Int64(snapshot.workers.live.count))
        registry.makeGauge(descriptor: workers, labels: [("status", "lost")]).set(Int64(snapshot.workers.lost.count))
        for entry in snapshot.workers.entries {
            let labels = [("worker", entry.info.id)]
            registry.makeCounter(descriptor: .named("taskq_jobs_completed_total",
                                                    help: "Jobs completed, per worker process since it started."),
                                 labels: labels)
                .increment(by: Int64(entry.info.completed))
            registry.makeCounter(descriptor: .named("taskq_jobs_retried_total",
                                                    help: "Failed attempts scheduled for a retry, per worker process since it started."),
                                 labels: labels)
                .increment(by: Int64(entry.info.retried))
            registry.makeCounter(descriptor: .named("taskq_jobs_failed_total",
                                                    help: "Jobs failed for good (retries exhausted or not retryable), per worker process since it started."),
                                 labels: labels)
                .increment(by: Int64(max(0, entry.info.failed - entry.info.retried)))
        }
        var bytes = registry.emitToBuffer()
        state.metrics.emit(into: &bytes)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// This server's own counters: requests by method and status class, and their durations.
final class HTTPMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let durations: DurationHistogram

    init() {
        durations = registry.makeDurationHistogram(
            descriptor: .named("taskq_http_request_duration_seconds",
                               help: "Time to answer an HTTP request (streams: until the headers)."),
            buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(20), .milliseconds(100), .milliseconds(500), .seconds(2)])
    }

    func record(method: String, status: Int, nanoseconds: Int64) {
        registry.makeCounter(descriptor: .named("taskq_http_requests_total",
                                                help: "HTTP requests answered, by method and status class."),
                             labels: [("method", method), ("code", String(status / 100) + "xx")]).increment()
        durations.recordNanoseconds(nanoseconds)
    }

    func emit(into bytes: inout [UInt8]) { registry.emit(into: &bytes) }
}

extension MetricNameDescriptor {
    /// A series named `name` exactly (no unit suffix appended) with its `# HELP` text.
    static func named(_ name: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
