import HTTPTypes
import Hummingbird
import Logging
import TaskKit

/// The server-rendered dashboard: pages read without JavaScript; the overview and job pages update themselves
/// through Server-Sent Events (`LiveStreams`). Every change is a POST form carrying the session's CSRF token and
/// done by the same TaskKit operation the CLI and the API use; then the browser is redirected (303) to a page.
struct Dashboard {
    let state: ServerState

    func register(on router: Router<ServerContext>) {
        router.get("static/taskq.css") { _, _ in Self.asset(PackageResources.taskq_css, type: "text/css; charset=utf-8") }
        router.get("static/taskq.js") { _, _ in Self.asset(PackageResources.taskq_js, type: "text/javascript; charset=utf-8") }
        // Errors of the pages and forms below are answered as pages with the layout (navigation, who is logged in).
        let router = router.group().add(middleware: DashboardErrors(logger: state.logger))
        let login = LoginRoutes(state: state)
        router.get("login", use: login.form)
        router.post("login", use: login.submit)
        router.post("logout", use: login.logout)
        let pages = DashboardPages(state: state)
        router.get("", use: pages.overview)
        router.get("jobs", use: pages.jobs)
        router.get("jobs/new", use: pages.newJob)
        router.get("jobs/:id", use: pages.job)
        router.get("schedules", use: pages.schedules)
        router.get("workers", use: pages.workers)
        let actions = DashboardActions(state: state)
        router.post("jobs", use: actions.enqueue)
        router.post("jobs/retry", use: actions.retryMany)
        router.post("jobs/:id/cancel", use: actions.cancel)
        router.post("jobs/:id/retry", use: actions.retry)
        router.post("queues/:name/pause") { try await actions.pauseQueue(true, $0, $1) }
        router.post("queues/:name/resume") { try await actions.pauseQueue(false, $0, $1) }
        router.post("schedules/:name/pause") { try await actions.pauseSchedule(true, $0, $1) }
        router.post("schedules/:name/resume") { try await actions.pauseSchedule(false, $0, $1) }
        let live = LiveStreams(state: state)
        router.get("events/overview", use: live.overview)
        router.get("events/jobs/:id", use: live.job)
    }

    static func asset(_ bytes: [UInt8], type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=300"],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// An HTML page (rendered by its `DashboardPage` type, which escapes every text it shows); `identity` names the
    /// user for the access log.
    static func page(_ page: some DashboardPage, status: HTTPResponse.Status = .ok, identity: Identity? = nil) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
            .frameOptions: "DENY", .contentTypeOptions: "nosniff",
            .referrerPolicy: "same-origin",
        ]
        if let identity { headers[.accessLogUser] = identity.user }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page.html.text)))
    }

    /// 303 to `location` (after a form POST).
    static func seeOther(_ location: String, headers: HTTPFields = [:], flash: String? = nil) -> Response {
        var headers = headers
        headers[.location] = location
        var response = Response(status: .seeOther, headers: headers)
        if let flash { response.setCookie(Flash.cookie(flash)) }
        return response
    }

    /// Browsers ask for HTML; API clients do not.
    static func wantsHTML(_ request: Request) -> Bool {
        request.headers[.accept]?.contains("text/html") ?? false
    }

    static func errorPage(_ problem: Problem, identity: Identity? = nil) -> Response {
        let error = ErrorPage(layout: Layout(title: problem.status.reasonPhrase, section: nil, identity: identity),
                              status: problem.status.code, detail: problem.detail)
        var response = page(error, status: problem.status, identity: identity)
        for field in problem.headers { response.headers[field.name] = field.value }
        return response
    }

    /// A path parameter, percent-decoded (Hummingbird matches the raw path: the pages escape names such as
    /// `batch:later` as `batch%3Alater`). Malformed escapes stay as they are, and fail the name checks.
    static func pathParameter(_ name: String, _ context: ServerContext) -> String {
        let raw = Array((context.parameters.get(name) ?? "").utf8)
        var bytes: [UInt8] = []
        var i = 0
        while i < raw.count {
            if raw[i] == UInt8(ascii: "%"), i + 2 < raw.count, let high = hexValue(raw[i + 1]), let low = hexValue(raw[i + 2]) {
                bytes.append(high << 4 | low)
                i += 3
            } else {
                bytes.append(raw[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The logged-in dashboard user, or a redirect to the login page (thrown as a response).
    static func requireSession(_ request: Request, _ context: ServerContext) throws -> Identity {
        guard let identity = context.identity else {
            // Back to the same page after the login, filters included.
            throw RedirectToLogin(next: request.uri.path + (request.uri.query.map { $0.isEmpty ? "" : "?" + $0 } ?? ""))
        }
        return identity
    }

    /// For form POSTs: a session (not a token), its CSRF token in the form, and (for changes) an admin.
    static func requireForm(_ form: CSRFForm, _ context: ServerContext, admin: Bool = true) throws -> Identity {
        guard let identity = context.identity, let session = identity.session else { throw Problem.unauthorized("log in first") }
        guard let sent = form.csrf, ConstantTime.equal(sent, session.csrf) else {
            throw Problem(.forbidden, "the form's CSRF token is missing or stale: reload the page and try again")
        }
        if admin && !identity.role.canChange { throw Problem.forbidden }
        return identity
    }
}

/// Thrown by pages that need a login; answered with a 303 to /login?next=….
struct RedirectToLogin: Error {
    var next: String
    var response: Response { Dashboard.seeOther("/login?next=" + Query.escape(next)) }
}

/// Answers a browser's failed dashboard request with the error page in the layout (the access log's fallback has no
/// identity, so its page has no navigation). Internal errors and non-HTML requests (event streams, assets) go on
/// to the access log, which logs and answers them.
struct DashboardErrors: RouterMiddleware {
    typealias Context = ServerContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let redirect as RedirectToLogin {
            throw redirect
        } catch {
            let problem = Problem(error)
            guard Dashboard.wantsHTML(request), problem.status != .internalServerError else { throw error }
            return Dashboard.errorPage(problem.shown(toAnonymousCaller: context.identity == nil, request: request, logger: logger),
                                       identity: context.identity)
        }
    }
}
