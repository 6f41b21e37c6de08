import HTTPTypes
import Hummingbird
import ServiceLifecycle
import TaskKit

/// Server-Sent Events for the dashboard's live regions: `event: update` carries the region's new HTML (rendered by
/// the same type as in the page: `OverviewBody`, `JobBody`), sent when what it shows changed, woken by the live
/// feed's ticks (no client polls). A comment line every 15 s keeps proxies from closing an idle stream. Streams end
/// when the session does (logout, timeout, the user removed or their password changed: checked on every tick), on
/// the client leaving, and on graceful shutdown.
struct LiveStreams {
    let state: ServerState

    static let keepAliveTicks: UInt64 = 30

    @Sendable func overview(_ request: Request, context: ServerContext) async throws -> Response {
        guard let identity = context.identity else { throw Problem.unauthorized("log in first") }
        let pages = DashboardPages(state: state)
        let last = Locked("")
        return stream(identity: identity) { _, _ in
            // Rendered from the feed's shared frame (no store read of its own); sent when anything but the
            // "Updated" clock line changed: counts, and also the throughput chart and last-minute figure, which
            // move as time passes even when no count does.
            let html = try await pages.overviewBody(identity).html.text
            let key = html.firstRange(of: "<p class=\"updated\">").map { String(html[..<$0.lowerBound]) } ?? html
            return last.withLock { previous -> String? in
                guard key != previous else { return nil }
                previous = key
                return html
            }
        }
    }

    @Sendable func job(_ request: Request, context: ServerContext) async throws -> Response {
        guard let identity = context.identity else { throw Problem.unauthorized("log in first") }
        let id = try JobID.parse(context.parameters.get("id") ?? "")
        _ = try await JobActions.job(id, in: state.store)
        let pages = DashboardPages(state: state)
        let last = Locked("")
        return stream(identity: identity) { _, _ in
            // One read of the job per tick while its page is open; sent only when the rendering changed.
            let html = try await pages.jobBody(id, identity: identity).html.text
            return last.withLock { previous -> String? in
                guard html != previous else { return nil }
                previous = html
                return html
            }
        }
    }

    /// A `text/event-stream` response: `render` is asked on every tick for the region's HTML (nil: nothing new).
    private func stream(identity: Identity, render: @escaping @Sendable (LiveFeed.Update, Bool) async throws -> String?) -> Response {
        let updates = state.live.subscribe()
        let sessions = state.sessions
        let sessionCheck = state.sessionCheck
        let store = state.store
        let feed = state.live
        let patience = state.settings.readPatienceSeconds
        let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-store",
                                   .accelBuffering: "no", .accessLogUser: identity.user]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            // The body runs after the request's middleware: its store reads (the session check, a job page's job) get
            // the read timeout here, so a hung store shows as stale instead of stalling the stream.
            try? await StorePatience.$seconds.withValue(patience) { try await withGracefulShutdownHandler {
                var first = true
                var quiet: UInt64 = 0
                // While the store cannot be read the page is told once (`stale`), and once more when it answers
                // again (`fresh`); the stream stays open.
                var stale = false
                for await update in updates {
                    // A session that logged out or timed out, or whose user was removed or changed password since
                    // (the check every request makes, its reads cached for a second), ends the stream.
                    // A store that cannot be read just now does not end it (nor is it asked while the feed finds it down).
                    if let session = identity.session {
                        let now = Clock.now()
                        guard sessions.isLive(id: session.id, now: now) else { break }
                        if !update.storeDown {
                            let check = await Result { try await sessionCheck.identity(for: session, store: store, now: now) }
                            if case .success(nil) = check { break }
                        }
                    }
                    var html: String?
                    var down = update.storeDown
                    if !down {
                        do {
                            html = try await render(update, first)
                        } catch where Problem(error).isStoreTrouble {
                            down = true
                        }
                    }
                    if down != stale {
                        try await writer.write(ByteBuffer(string: LiveStreams.event(down ? "stale" : "fresh", "")))
                        stale = down
                        quiet = 0
                    }
                    if let html {
                        try await writer.write(ByteBuffer(string: LiveStreams.event("update", html)))
                        quiet = 0
                    } else {
                        quiet += 1
                        if quiet >= LiveStreams.keepAliveTicks {
                            try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                            quiet = 0
                        }
                    }
                    first = false
                }
            } onGracefulShutdown: {
                feed.finishAll()
            } }
            try? await writer.write(ByteBuffer(string: LiveStreams.event("end", "")))
            try await writer.finish(nil)
        })
    }

    /// One SSE event; each line of `data` becomes its own `data:` line (the browser joins them with newlines).
    /// Lines are split on scalars, not Characters: in Swift `"\r\n"` is one Character, so a job's CRLF output would
    /// otherwise stay in one "line" and start a bare line of the event stream (a field of its own, or dropped).
    static func event(_ name: String, _ data: String) -> String {
        var text = "event: \(name)\n"
        for line in data.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: line.lazy.filter { $0 != "\r" })
            text += "data: " + String(scalars) + "\n"
        }
        return text + "\n"
    }
}
