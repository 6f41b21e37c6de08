import Testing
@testable import TaskKit
@testable import TaskqServer

/// The dashboard's one escaping rule (`HTML`): text is escaped wherever it is interpolated, markup written in the
/// source and the charts' SVG are not.
@Suite("dashboard: HTML escaping")
struct DashboardHTMLTests {
    static let evil = #"<script>alert("x")</script> & 'q'"#
    static let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"

    @Test func escapeReplacesTheFiveSpecialCharacters() {
        #expect(HTML.escape("&") == "&amp;")
        #expect(HTML.escape("<") == "&lt;")
        #expect(HTML.escape(">") == "&gt;")
        #expect(HTML.escape("\"") == "&quot;")
        #expect(HTML.escape("'") == "&#39;")
        #expect(HTML.escape(Self.evil) == Self.escaped)
        // Already-escaped text is escaped again: it is shown as typed.
        #expect(HTML.escape("&amp;") == "&amp;amp;")
    }

    @Test func escapeKeepsEverythingElse() {
        for text in ["", "plain text 0–9", "batch:later", "Grüße — 日本語 🚀", "tab\tnew\nline", "e\u{301}", "a=b;c/d?e#f%20"] {
            #expect(HTML.escape(text) == text)
        }
        // A special character next to a combining mark is still escaped (escaping is per byte, not per Character).
        #expect(HTML.escape("<\u{301}") == "&lt;\u{301}")
        #expect(HTML.escape("\"\u{301}") == "&quot;\u{301}")
        #expect(HTML.escape("Grüße <b>") == "Grüße &lt;b&gt;")
    }

    @Test func interpolationEscapesTextOnly() {
        let name = Self.evil
        let number: Int64 = 42
        let fragment: HTML = "<b>\(name)</b>"
        let page: HTML = "<p title=\"\(name)\">\(number) \(fragment)\(if: true, "<i>yes</i>")\(if: false, "<i>no</i>")\(if: false, "a", else: "<u>b</u>")</p>"
        #expect(page.text == "<p title=\"\(Self.escaped)\">42 <b>\(Self.escaped)</b><i>yes</i><u>b</u></p>")
        let rows: [HTML] = [fragment, "<br>"]
        #expect(("<div>\(rows)</div>" as HTML).text == "<div><b>\(Self.escaped)</b><br></div>")
        #expect(HTML(chartSVG: "<svg/>").text == "<svg/>")
    }

    @Test func everyPageEscapesItsText() {
        let identity = Identity(user: "admin", role: .admin, via: .token(id: 1))
        let layout = Layout(title: Self.evil, section: .jobs, identity: identity, flash: Self.evil, error: Self.evil)
        let row = JobsPage.Row(id: 7, name: Self.evil, task: Self.evil, queue: "default", priority: 5, state: "failed", attempts: "1/1",
                               runAt: "2026-11-30 10:00:00", error: Self.evil)
        let pages: [(String, HTML)] = [
            ("jobs", JobsPage(layout: layout, jobs: [row], state: .failed, queue: Self.evil, task: Self.evil, filtered: true, canBulkRetry: true,
                              newest: "/jobs?task=" + Self.evil, next: nil).html),
            ("login", LoginPage(token: Self.evil, next: "/" + Self.evil, username: Self.evil, error: Self.evil).html),
            ("error", ErrorPage(layout: layout, status: 404, detail: Self.evil).html),
            ("new job", NewJobPage(layout: layout, tasks: [.init(name: Self.evil, description: Self.evil, source: "worker")],
                                   form: EnqueueForm(name: Self.evil, task: Self.evil, args: Self.evil, command: Self.evil)).html),
            ("schedules", SchedulesPage(layout: layout, schedules: [.init(name: Self.evil, expression: Self.evil, zone: "UTC", task: Self.evil,
                                                                          paused: false, source: Self.evil, last: "–", next: Self.evil)]).html),
            ("workers", WorkersPage(layout: layout, workers: [.init(id: Self.evil, host: Self.evil, pid: 1, queues: Self.evil, concurrency: 1,
                                                                    running: 0, completed: 0, failed: 0, started: "", lastSeen: "1s", lost: false)]).html),
            ("job", JobPage(layout: layout, body: JobBody(
                id: 7, state: "failed", isAdmin: true, csrf: Self.evil, cancelRequested: false, canCancel: false, canRetry: true, canRunAgain: false,
                fields: [(Self.evil, Self.evil)], args: Self.evil, result: Self.evil, error: Self.evil,
                attempts: [.init(attempt: 1, started: "", finished: "", worker: Self.evil, outcome: "failed", error: Self.evil)],
                tails: [.init(stream: .stdout, attempt: 1, text: Self.evil, hidden: 0)])).html),
        ]
        for (name, page) in pages {
            #expect(page.text.contains(Self.escaped), "\(name)")
            #expect(!page.text.contains("<script>"), "\(name): \(page.text)")
            #expect(!page.text.contains("alert(\"x\")"), "\(name): a quote left raw")
            #expect(!page.text.contains("'q'"), "\(name): an apostrophe left raw")
        }
    }

    /// A job waiting for its time is brought forward, not retried: its button says "Run now"; a failed job's says
    /// "Retry".
    @Test func aWaitingJobsRetryButtonSaysRunNow() {
        func page(_ state: String) -> String {
            JobBody(id: 7, state: state, isAdmin: true, csrf: "t", cancelRequested: false, canCancel: true, canRetry: true, canRunAgain: false,
                    fields: [], args: "{}", result: nil, error: nil, attempts: [], tails: []).html.text
        }
        for state in ["scheduled", "retrying"] {
            #expect(page(state).contains(">Run now</button>") && !page(state).contains(">Retry</button>"), "\(state)")
        }
        for state in ["failed", "cancelled"] {
            #expect(page(state).contains(">Retry</button>") && !page(state).contains("Run now"), "\(state)")
        }
    }
}

/// Where a login sends the browser next: a local path, never another site, however the path is dressed up.
@Suite("dashboard: the login's next page")
struct LoginNextTests {
    @Test func onlyLocalPathsAreFollowed() {
        for kept in ["/", "/jobs?state=failed", "/jobs/12", "/schedules#x"] { #expect(LoginRoutes.safeNext(kept) == kept) }
        // Browsers drop tabs and newlines from URLs and read a backslash as a slash: each of these would leave the site.
        for refused in ["//evil.example", "https://evil.example", "javascript:alert(1)", "/\\evil.example", "/\t/evil.example",
                        "/\n/evil.example", "/\r\n/evil.example", "/ /evil.example", "/\u{0B}/evil.example", "/\u{7F}/x", "evil.example", ""] {
            #expect(LoginRoutes.safeNext(refused) == "/", "\(refused.debugDescription)")
        }
    }
}
