import TaskKit

/// The overview (`/`): the live region `OverviewBody` in the layout.
struct OverviewPage: DashboardPage {
    var layout: Layout
    var body: OverviewBody

    var content: HTML {
        """
        <h1>Overview</h1>
        \(HTML.liveRegion(id: "overview", events: "/events/overview", body.html))

        """
    }
}

/// The overview's live region (also sent alone by `/events/overview`): totals, the throughput chart, the queues.
struct OverviewBody {
    struct Queue {
        var name: String
        var paused: Bool
        /// Jobs per state, in `JobState.allCases` order.
        var counts: [(state: String, n: Int)]
        var oldest: String
        var workers: Int
        /// SVG from `Charts.spark`.
        var spark: HTML
    }

    var total: Int
    var waiting: Int
    var running: Int
    var failed: Int
    var liveWorkers: Int
    var throughput: Int
    /// SVG from `Charts.throughput`.
    var chart: HTML
    var queues: [Queue]
    var isAdmin: Bool
    var csrf: String
    var updated: String

    var html: HTML {
        """
        <section class="cards">
          <div class="card"><span class="num" data-count="total">\(total)</span><span class="label">jobs</span></div>
          <div class="card"><span class="num" data-count="waiting">\(waiting)</span><span class="label">waiting or scheduled</span></div>
          <div class="card"><span class="num" data-count="running">\(running)</span><span class="label">running</span></div>
          <div class="card\(if: failed > 0, " bad")"><span class="num" data-count="failed">\(failed)</span><span class="label">failed</span></div>
          <div class="card"><span class="num" data-count="workers">\(liveWorkers)</span><span class="label">live workers</span></div>
          <div class="card"><span class="num" data-count="throughput">\(throughput)</span><span class="label">completed, last minute</span></div>
        </section>
        <section class="panel">
          <div class="panel-head">
            <h2>Throughput <small>jobs finished per 10 s, last 10 minutes</small></h2>
            <p class="legend"><span class="key completed"></span>completed <span class="key failed"></span>failed</p>
          </div>
          \(chart)
        </section>
        <section>
          <h2>Queues</h2>
          \(if: queues.isEmpty, "<p class=\"empty\">No queues yet: enqueue a job.</p>")
        \(if: !queues.isEmpty, queueTable)</section>
        <p class="updated">Updated \(updated) UTC</p>

        """
    }

    /// The counts a phone-wide window keeps (`.wide` cells are left out under 720 px): what waits, runs and failed.
    static let narrowStates: [JobState] = [.pending, .running, .failed]

    private var queueTable: HTML {
        """
          <div class="table-wrap">
          <table class="grid queues">
            <thead><tr><th>Queue</th><th class="wide">Status</th>\(JobState.allCases.map { "<th class=\"n\(if: !Self.narrowStates.contains($0), " wide")\">\($0.rawValue)</th>" as HTML })<th class="n wide">Oldest waiting</th><th class="n wide">Workers</th><th class="wide">Last 10 min</th>\(if: isAdmin, "<th></th>")</tr></thead>
            <tbody>
        \(queues.map(row))    </tbody>
          </table>
          </div>

        """
    }

    private func row(_ q: Queue) -> HTML {
        let query = Query.escape(q.name)
        let counts = q.counts.map { c -> HTML in
            let n: HTML = c.n > 0 ? "<a href=\"/jobs?queue=\(query)&amp;state=\(c.state)\">\(c.n)</a>" : "<span class=\"zero\">0</span>"
            return "<td class=\"n\(if: !Self.narrowStates.contains { $0.rawValue == c.state }, " wide")\" data-state=\"\(c.state)\">\(n)</td>"
        }
        let action: HTML = isAdmin ? """
            <td class="act">
                      <form method="post" action="/queues/\(query)/\(if: q.paused, "resume", else: "pause")">
                        <input type="hidden" name="csrf" value="\(csrf)">
                        <button type="submit" class="small secondary">\(if: q.paused, "Resume", else: "Pause")</button>
                      </form>
                    </td>
            """ : .empty
        return """
                  <tr data-queue="\(q.name)">
                    <td><a href="/jobs?queue=\(query)">\(q.name)</a>\(if: q.paused, " <span class=\"badge paused narrow\">paused</span>")</td>
                    <td class="wide">\(q.paused ? "<span class=\"badge paused\">paused</span>" : "<span class=\"badge active\">active</span>" as HTML)</td>
                    \(counts)
                    <td class="n wide">\(q.oldest)</td>
                    <td class="n wide">\(q.workers)</td>
                    <td class="wide">\(q.spark)</td>
                    \(action)
                  </tr>

            """
    }
}

extension OverviewBody {
    init(_ frame: StatsFrame, history: [LiveFeed.Bucket], identity: Identity?) {
        let counts = frame.snapshot.counts
        let now = frame.snapshot.at
        total = counts.total
        waiting = [JobState.pending, .scheduled, .retrying].reduce(0) { $0 + counts.count(state: $1) }
        running = counts.count(state: .running)
        failed = counts.count(state: .failed)
        liveWorkers = frame.snapshot.workers.live.count
        // Buckets hold rates per second: jobs = rate × bucket length. The last minute is the last six buckets.
        let lastMinute = history.filter { now - $0.start < 60_000 }.reduce(0) { $0 + $1.completed * Charts.bucketSeconds }
        throughput = Int(lastMinute.rounded())
        chart = "\(Charts.throughput(history, now: now))\(Charts.throughput(history, now: now, narrow: true))"
        queues = frame.queues.map { q in
            Queue(name: q.name, paused: q.paused,
                  counts: JobState.allCases.map { ($0.rawValue, q.counts[$0] ?? 0) },
                  oldest: q.oldestWaitMillis.map { DurationParser.format($0 < 1000 ? $0 : $0 - $0 % 1000) } ?? "–",
                  workers: q.liveWorkers,
                  spark: Charts.spark(history.map { ($0.start, $0.perQueue[q.name] ?? 0) }, now: now))
        }
        isAdmin = identity?.role.canChange ?? false
        csrf = identity?.session?.csrf ?? ""
        updated = TimeFormat.short(frame.snapshot.at)
    }
}
