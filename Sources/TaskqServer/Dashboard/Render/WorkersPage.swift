import TaskKit

/// The workers (`/workers`): the `workers --all` table.
struct WorkersPage: DashboardPage {
    /// One worker as `workers --all` shows it.
    struct Row {
        var id: String
        var host: String
        var pid: Int
        var queues: String
        var concurrency: Int
        var running: Int
        var completed: Int
        var failed: Int
        var started: String
        var lastSeen: String
        var lost: Bool
    }

    var layout: Layout
    var workers: [Row]

    var content: HTML {
        """
        <h1>Workers</h1>
        \(if: workers.isEmpty, "<p class=\"empty\">No workers. Start one with <code>taskq run-worker</code>.</p>")
        \(if: !workers.isEmpty, table)
        """
    }

    private var table: HTML {
        let rows = workers.map { w -> HTML in
            "<tr><td class=\"mono\">\(w.id)</td><td>\(w.host)</td><td class=\"n\">\(w.pid)</td><td>\(w.queues)</td><td class=\"n\">\(w.concurrency)</td><td class=\"n\">\(w.running)</td><td class=\"n\">\(w.completed)</td><td class=\"n\">\(w.failed)</td><td>\(w.started)</td><td>\(w.lastSeen) ago</td><td>\(w.lost ? "<span class=\"badge paused\">lost</span>" : "<span class=\"badge active\">live</span>" as HTML)</td></tr>"
        }
        return """
            <div class="table-wrap">
            <table class="grid">
              <thead><tr><th>ID</th><th>Host</th><th class="n">PID</th><th>Queues</th><th class="n">Concurrency</th><th class="n">Running</th><th class="n">Completed</th><th class="n">Failed</th><th>Started (UTC)</th><th>Last seen</th><th>Status</th></tr></thead>
              <tbody>
              \(rows)
              </tbody>
            </table>
            </div>

            """
    }
}

extension WorkersPage.Row {
    init(_ e: WorkerRoster.Entry, now: Millis) {
        id = e.info.id
        host = e.info.host
        pid = Int(e.info.pid)
        queues = e.info.queues.joined(separator: ", ")
        concurrency = e.info.concurrency
        running = e.running
        completed = e.info.completed
        failed = e.info.failed
        started = TimeFormat.short(e.info.startedAt)
        lastSeen = DurationParser.format(max(0, now - e.info.lastSeen))
        lost = e.lost
    }
}
