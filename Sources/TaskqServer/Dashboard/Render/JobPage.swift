import TaskKit

/// A job's page (`/jobs/{id}`): the live region `JobBody` in the layout.
struct JobPage: DashboardPage {
    var layout: Layout
    var body: JobBody

    var content: HTML {
        """
        <p class="crumbs"><a href="/jobs">← Jobs</a></p>
        \(HTML.liveRegion(id: "job", events: "/events/jobs/\(body.id)", body.html))

        """
    }
}

/// A job's live region (also sent alone by `/events/jobs/{id}`): every field, arguments, result, error, attempts,
/// the output tails of the latest attempt, and for admins the cancel / retry / run-again forms.
struct JobBody {
    struct AttemptRow {
        var attempt: Int
        var started: String
        var finished: String
        var worker: String
        var outcome: String
        var error: String
    }

    static let tailLines = 200

    var id: Int64
    var state: String
    var isAdmin: Bool
    var csrf: String
    var cancelRequested: Bool
    var canCancel: Bool
    var canRetry: Bool
    var canRunAgain: Bool
    /// Shown in two columns, row by row: each pair belongs together.
    var fields: [(key: String, value: String)]
    var args: String
    var result: String?
    /// The job's error (nil when none or empty).
    var error: String?
    var attempts: [AttemptRow]
    /// The last `tailLines` lines of each stream of the latest attempt.
    var tails: [OutputTail]

    /// Output tails shown on a job page: the last `tailLines` lines of the latest attempt's streams.
    static func tails(of job: Job, in store: TaskqStore) async throws -> [OutputTail] {
        try await OutputTail.latest(of: job, in: store, lines: tailLines)
    }

    /// `2026-11-30 04:10:41.589 UTC`: the list's format, with milliseconds.
    static func utc(_ ms: Millis) -> String {
        TimeFormat.iso8601(ms).replacing("T", with: " ").replacing("Z", with: " UTC")
    }

    /// A job waiting for its time (scheduled, or retrying after a back-off) is not retried but brought forward: the
    /// button says so.
    var retryButton: HTML {
        state == JobState.scheduled.rawValue || state == JobState.retrying.rawValue
            ? "<button type=\"submit\" title=\"Run it now instead of at its due time\">Run now</button>"
            : "<button type=\"submit\">Retry</button>"
    }

    var html: HTML {
        let actions: HTML = """
              <div class="actions">
                \(if: canCancel, "<form method=\"post\" action=\"/jobs/\(id)/cancel\"><input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\"><button type=\"submit\" class=\"danger\">Cancel</button></form>")
                \(if: canRetry, "<form method=\"post\" action=\"/jobs/\(id)/retry\"><input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\">\(retryButton)</form>")
                \(if: canRunAgain, "<form method=\"post\" action=\"/jobs/\(id)/retry\"><input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\"><input type=\"hidden\" name=\"again\" value=\"1\"><button type=\"submit\">Run again</button></form>")
              </div>

            """
        return """
            <div class="page-head">
              <h1>Job \(id) <span class="state \(state)" data-job-state>\(state)</span></h1>
            \(if: isAdmin, actions)</div>
            \(if: cancelRequested, "<p class=\"notice\">Cancellation requested: the worker is stopping it.</p>")
            <dl class="fields">
              \(fields.map { "<div><dt>\($0.key)</dt><dd>\($0.value)</dd></div>" as HTML })
            </dl>
            <h2>Arguments</h2>
            <pre class="box args">\(args)</pre>
            \(result.map { "<h2>Result</h2><pre class=\"box result\">\($0)</pre>" as HTML } ?? .empty)
            \(error.map { "<h2>Error</h2><pre class=\"box err job-error\">\($0)</pre>" as HTML } ?? .empty)
            <h2>Attempts</h2>
            \(if: attempts.isEmpty, "<p class=\"empty\">No attempts yet.</p>")
            \(if: !attempts.isEmpty, attemptTable)\(tails.map(tail))
            """
    }

    private var attemptTable: HTML {
        let rows = attempts.map { a -> HTML in
            "<tr><td class=\"n\">\(a.attempt)</td><td>\(a.started)</td><td>\(a.finished)</td><td class=\"mono\">\(a.worker)</td><td><span class=\"state \(a.outcome)\">\(a.outcome)</span></td><td class=\"err\" title=\"\(a.error)\">\(a.error)</td></tr>"
        }
        return """
            <div class="table-wrap">
            <table class="grid attempts">
              <thead><tr><th class="n">#</th><th>Started (UTC)</th><th>Finished (UTC)</th><th>Worker</th><th>Outcome</th><th>Error</th></tr></thead>
              <tbody>\(rows)</tbody>
            </table>
            </div>

            """
    }

    /// Output as `taskq logs` shows it: CRLF line ends as newlines, other control characters as escapes (`\x1b`),
    /// which a browser would otherwise draw as empty boxes.
    static func shown(_ text: String) -> String {
        TerminalText.escaped(text.replacing("\r\n", with: "\n"), keepNewlines: true)
    }

    private func tail(_ t: OutputTail) -> HTML {
        let dropped: HTML = t.hidden > 0 ? "; the first \(ByteSize.format(t.hidden)) were not kept" : .empty
        return """
            <h2>\(t.stream.rawValue) <small>attempt \(t.attempt)\(dropped)</small></h2>
            <pre class="box output">\(Self.shown(t.text))</pre>

            """
    }
}

extension JobBody {
    init(_ job: Job, attempts: [Attempt], tails: [OutputTail], identity: Identity?) {
        id = job.id
        state = job.state.rawValue
        isAdmin = identity?.role.canChange ?? false
        csrf = identity?.session?.csrf ?? ""
        cancelRequested = job.cancelRequested && job.state == .running
        canCancel = !job.state.isFinished && !cancelRequested
        canRetry = JobState.retryable.contains(job.state)
        canRunAgain = job.state == .completed
        fields = [
            ("name", job.name), ("task", job.task), ("queue", job.queue), ("priority", String(job.priority)),
            ("attempts", job.attemptsDescription),
            ("retry policy", "\(job.retryPolicy.backoff.rawValue), base \(DurationParser.format(job.retryPolicy.baseDelayMillis))"),
            ("timeout", job.timeoutMillis.map(DurationParser.format) ?? "none"), ("worker", job.worker ?? "–"),
            ("created", Self.utc(job.createdAt)), ("run at", Self.utc(job.runAt)),
            ("started", job.startedAt.map(Self.utc) ?? "–"), ("finished", job.finishedAt.map(Self.utc) ?? "–"),
        ]
        if let started = job.startedAt, let finished = job.finishedAt, finished >= started {
            fields.append(("took", DurationParser.format(finished - started)))
        }
        if let key = job.uniqueKey { fields.append(("unique key", key)) }
        args = job.args.pretty(level: 0)
        result = job.result?.pretty(level: 0)
        error = job.error.flatMap { $0.isEmpty ? nil : $0 }
        self.attempts = attempts.map { a in
            AttemptRow(attempt: a.attempt, started: TimeFormat.short(a.startedAt), finished: a.finishedAt.map(TimeFormat.short) ?? "–",
                       worker: a.worker, outcome: a.outcome.rawValue, error: a.error ?? "")
        }
        self.tails = tails
    }
}
