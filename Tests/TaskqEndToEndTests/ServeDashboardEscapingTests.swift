import Foundation
import Testing

/// Whatever text the dashboard shows arrives as text, never as markup (the renderers escape every string with
/// `HTML.escape`): a job's name, arguments, result, output, error and unique key; a filter echoed in its input; the
/// login form's `next`; an enqueue form sent back with its error; and the live region a job page's event stream sends.
@Suite("serve: the dashboard escapes what it shows")
struct ServeDashboardEscapingTests {
    static let evil = #"<script>alert("x")</script> & 'q' <img src=x onerror=alert(1)>"#
    static let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; &lt;img src=x onerror=alert(1)&gt;"
    /// The same inside JSON (arguments, result): its quotes are backslashed first.
    static let escapedInJSON = escaped.replacingOccurrences(of: "&quot;", with: #"\&quot;"#)

    static func formEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    /// The page holds the hostile text, escaped, and none of its markup.
    static func expectEscaped(_ answer: HTTPAnswer, _ what: String, as escaped: String = escaped, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(answer.text.contains(escaped), "\(what): the text is missing or not escaped: \(answer)", sourceLocation: sourceLocation)
        #expect(!answer.text.contains("<script>alert") && !answer.text.contains("<img"), "\(what): raw markup in \(answer)",
                sourceLocation: sourceLocation)
    }

    @Test func hostileTextIsShownAsText() throws {
        let api = try APIFixture(.sqlite)
        defer { _ = try? api.server.terminate() }
        let cli = api.cli
        let failing = try cli.run(["create-job", Self.evil, "--max-retries", "0", "--unique-key", Self.evil, "--",
                                   "sh", "-c", #"printf '%s\n' "$0"; printf '%s\n' "$0" >&2; exit 3"#, Self.evil])
        let args = String(decoding: try JSONSerialization.data(withJSONObject: ["to": Self.evil]), as: UTF8.self)
        let echo = try cli.run(["create-job", "greeting", "--task", "echo", "--args", args])
        #expect(failing.status == 0 && echo.status == 0, "\(failing.stderr) \(echo.stderr)")
        let (failingID, echoID) = (failing.stdout.trimmingCharacters(in: .whitespacesAndNewlines), echo.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(try cli.run(["run-worker", "--burst"]).status == 0)
        #expect(try cli.jobState(failingID) == "failed" && cli.jobState(echoID) == "completed")

        let session = try api.login()
        let browser = ["Cookie": "taskq_session=\(session.cookie)", "Accept": "text/html"]
        for path in ["/jobs", "/jobs?state=failed", "/jobs/\(failingID)", "/jobs?task=\(Self.formEncoded(Self.evil))"] {
            let page = try api.server.request("GET", path, headers: browser)
            #expect(page.status == 200, "\(path): \(page)")
            Self.expectEscaped(page, path)
        }
        // The echo job's arguments and result (the same JSON object).
        let echoPage = try api.server.request("GET", "/jobs/\(echoID)", headers: browser)
        Self.expectEscaped(echoPage, "echo job", as: Self.escapedInJSON)
        #expect(echoPage.text.components(separatedBy: Self.escapedInJSON).count == 3, "arguments and result: \(echoPage)")
        // The failed job's page: its name, unique key, output and error; in an attribute (the attempt's error title).
        let failed = try api.server.request("GET", "/jobs/\(failingID)", headers: browser).text
        #expect(failed.components(separatedBy: Self.escaped).count - 1 >= 5, "name, unique key, stdout, stderr, error: \(failed)")
        #expect(failed.range(of: #"title="[^"<>]*&lt;script&gt;alert\(&quot;x&quot;\)"#, options: .regularExpression) != nil, "\(failed)")

        // Logged out: the login form keeps `next` (a local path) in a hidden field, escaped. (A `next` with a space or
        // control character is not kept at all: browsers drop some of them from URLs, LoginNextTests.)
        let hostilePath = #"/"><script>alert(1)</script>"#
        let login = try api.server.request("GET", "/login?next=\(Self.formEncoded(hostilePath))", headers: ["Accept": "text/html"])
        #expect(login.text.contains("/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;") && !login.text.contains("<script>alert"), "\(login)")

        // An enqueue form with an error comes back with what was sent.
        let form = ["csrf": session.csrf, "task": "echo", "name": Self.evil, "args": "{" + Self.evil, "queue": "", "priority": "",
                    "run_at": "", "max_retries": "", "timeout": "", "unique_key": Self.evil, "command": ""]
        let body = form.map { "\($0.key)=\(Self.formEncoded($0.value))" }.joined(separator: "&")
        let refused = try api.server.request("POST", "/jobs", headers: browser.merging(["Content-Type": "application/x-www-form-urlencoded"]) { $1 },
                                             body: Data(body.utf8))
        #expect(refused.status == 422, "\(refused)")
        Self.expectEscaped(refused, "enqueue form")

        // The job page's live region, as its event stream sends it.
        let stream = try HTTPConnection(port: api.server.port)
        try stream.send(HTTPConnection.head("GET", "/events/jobs/\(failingID)", headers: ["Cookie": "taskq_session=\(session.cookie)"], bodyLength: nil))
        func whole(_ text: String) -> Bool {
            guard let start = text.range(of: "event: update\n") else { return false }
            return text[start.upperBound...].contains("\n\n")
        }
        while !whole(stream.received), stream.fill() {}
        let update = stream.received
        #expect(update.contains("event: update") && update.contains("data: <h2>stdout") && update.contains(Self.escaped), "\(update)")
        #expect(!update.contains("<script>alert") && !update.contains("<img"), "\(update)")
    }
}
