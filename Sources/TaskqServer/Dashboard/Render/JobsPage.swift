import TaskKit

/// The job list (`/jobs`): filters, the bulk-retry form for a failed or cancelled filter, 50 jobs a page.
struct JobsPage: DashboardPage {
    /// One job in the table, as `list-jobs` shows it.
    struct Row {
        var id: Int64
        var name: String
        var task: String
        var queue: String
        var priority: Int
        var state: String
        var attempts: String
        var runAt: String
        var error: String
    }

    var layout: Layout
    var jobs: [Row]
    /// The filters as given (nil: not filtering on it).
    var state: JobState?
    var queue: String?
    var task: String?
    var filtered: Bool
    var canBulkRetry: Bool
    /// Links to the first page (when on a later one) and to the next (when this one is full).
    var newest: String?
    var next: String?

    var content: HTML {
        let stateName = state?.rawValue ?? ""
        let options = JobState.allCases.map { s -> HTML in
            "<option value=\"\(s.rawValue)\" \(if: s == state, "selected")>\(s.rawValue)</option>"
        }
        let bulk: HTML = """
            <form method="post" action="/jobs/retry" class="bulk">
              <input type="hidden" name="csrf" value="\(layout.csrf)">
              <input type="hidden" name="state" value="\(stateName)">
              <input type="hidden" name="queue" value="\(queue ?? "")">
              <input type="hidden" name="task" value="\(task ?? "")">
              <button type="submit">Retry every \(stateName) job\(queue.map { " in \($0)" as HTML } ?? .empty)\(task.map { " of task \($0)" as HTML } ?? .empty)</button>
            </form>

            """
        let pager: HTML = """
            <p class="pager">\(newest.map { "<a href=\"\($0)\">← Newest</a>" as HTML } ?? .empty)\(next.map { "<a href=\"\($0)\">Older jobs →</a>" as HTML } ?? .empty)</p>
            """
        return """
            <h1>Jobs</h1>
            <div class="toolbar">
            <form class="filters" method="get" action="/jobs">
              <label>State <select name="state"><option value="">any</option>\(options)</select></label>
              <label>Queue <input name="queue" value="\(queue ?? "")" size="12"></label>
              <label>Task <input name="task" value="\(task ?? "")" size="12"></label>
              <button type="submit" class="secondary">Filter</button>
              \(if: filtered, "<a class=\"clear\" href=\"/jobs\">Clear filters</a>")
            </form>
            \(if: canBulkRetry, bulk)</div>
            \(if: jobs.isEmpty, "<p class=\"empty\">No jobs match.</p>")
            \(if: !jobs.isEmpty, table)\(if: newest != nil || next != nil, pager)

            """
    }

    private var table: HTML {
        """
        <div class="table-wrap">
        <table class="grid jobs">
          <thead><tr><th class="n">ID</th><th>Name</th><th>Task</th><th>Queue</th><th class="n">Priority</th><th>State</th><th class="n">Attempts</th><th>Run at (UTC)</th><th>Error</th></tr></thead>
          <tbody>
        \(jobs.map(row))  </tbody>
        </table>
        </div>

        """
    }

    private func row(_ job: Row) -> HTML {
        """
            <tr><td class="n"><a href="/jobs/\(job.id)">\(job.id)</a></td><td class="name" title="\(job.name)"><a href="/jobs/\(job.id)">\(job.name)</a></td><td>\(job.task)</td><td>\(job.queue)</td><td class="n">\(job.priority)</td>
              <td><span class="state \(job.state)">\(job.state)</span></td><td class="n">\(job.attempts)</td><td>\(job.runAt)</td><td class="err" title="\(job.error)">\(job.error)</td></tr>

        """
    }
}

extension JobsPage.Row {
    init(_ job: Job) {
        id = job.id
        name = job.name
        task = job.task
        queue = job.queue
        priority = job.priority
        state = job.state.rawValue
        attempts = job.attemptsSummary
        runAt = TimeFormat.short(job.runAt)
        error = job.error.map { String($0.prefix(200)) } ?? ""
    }
}
