import HTTPTypes
import Hummingbird
import TaskKit

/// `/login` and `/logout`. The login form is protected against cross-site posting by a double-submit token (a
/// cookie and a hidden field that must match); failed logins are logged and throttled per user name (429).
struct LoginRoutes {
    let state: ServerState
    static let csrfCookie = "taskq_login_csrf"

    @Sendable func form(_ request: Request, context: ServerContext) async throws -> Response {
        let next = request.uri.queryParameters["next"].map(String.init) ?? "/"
        // Already logged in (a bookmarked login link): straight on to the page asked for.
        if context.identity?.session != nil { return Dashboard.seeOther(Self.safeNext(next)) }
        return await loginPage(next: next, username: "", error: nil, status: .ok)
    }

    private func loginPage(next: String, username: String, error: String?, status: HTTPResponse.Status, headers: HTTPFields = [:]) async -> Response {
        let token = RandomToken.make()
        // Unknown while the store is down: the hint is left out then.
        let noUserYet = (try? await Credentials.noUserYet(store: state.store)) ?? false
        var response = Dashboard.page(LoginPage(token: token, next: Self.safeNext(next), username: username, error: error, noUserYet: noUserYet),
                                      status: status)
        for field in headers { response.headers[field.name] = field.value }
        response.setCookie(Cookie(name: Self.csrfCookie, value: token, maxAge: 3600, path: "/login",
                                  secure: state.settings.cookiesSecure, httpOnly: true, sameSite: .strict))
        return response
    }

    @Sendable func submit(_ request: Request, context: ServerContext) async throws -> Response {
        let form = try await Forms.decode(LoginForm.self, request, limit: 16 << 10)
        let next = Self.safeNext(form.next ?? "/")
        let username = form.username?.trimmingSpaces ?? ""
        guard let cookie = request.cookies[Self.csrfCookie]?.value, let sent = form.csrf, !sent.isEmpty, ConstantTime.equal(cookie, sent) else {
            state.logger.warning("login refused for \(TerminalText.escaped(username)): missing or wrong form token", metadata: ["user": .string(TerminalText.escaped(username))])
            return await loginPage(next: next, username: username, error: "The login form expired: please try again.", status: .forbidden)
        }
        let now = Clock.now()
        if let wait = state.throttle.begin(user: username, now: now) {
            let seconds = (wait + 999) / 1000
            state.logger.warning("login throttled for user '\(TerminalText.escaped(username))': too many failed attempts")
            return await loginPage(next: next, username: username, error: "Too many failed logins for this user: try again in \(seconds) s.",
                             status: .tooManyRequests, headers: [.retryAfter: String(seconds)])
        }
        let user: UserRecord?
        do {
            user = try await checkPassword(username: username, password: form.password ?? "", now: now)
        } catch {
            state.throttle.end(user: username, .notChecked, now: Clock.now())
            throw error
        }
        guard let user else {
            state.throttle.end(user: username, .failed, now: Clock.now())
            state.logger.warning("failed login for user '\(TerminalText.escaped(username))'")
            return await loginPage(next: next, username: username, error: "Wrong user name or password.", status: .unauthorized)
        }
        state.throttle.end(user: username, .succeeded, now: Clock.now())
        let session = state.sessions.create(user: user.name, role: user.role, now: now)
        state.logger.info("user '\(user.name)' logged in")
        var response = Dashboard.seeOther(next)
        response.setCookie(SessionCookie.set(session, secure: state.settings.cookiesSecure))
        response.setCookie(Cookie(name: Self.csrfCookie, value: "", maxAge: 0, path: "/login",
                                  secure: state.settings.cookiesSecure, httpOnly: true, sameSite: .strict))
        return response
    }

    /// The user whose name and password these are, or nil. The bcrypt runs are two at a time process-wide
    /// (`PasswordHasher.offPool`): beyond 32 waiting, a temporary error (503 with `Retry-After`, in the access log).
    private func checkPassword(username: String, password: String, now: Millis) async throws -> UserRecord? {
        guard !username.isEmpty, !password.isEmpty, password.utf8.count <= 1024 else { return nil }
        do {
            return try await Credentials.authenticate(name: username, password: password, store: state.store, now: now)
        } catch let error as TaskqError where error == PasswordHasher.busy {
            // Not the store: its generic 503 message would send the operator looking at the wrong thing.
            throw Problem(.serviceUnavailable, error.description, headers: [.retryAfter: "1"])
        }
    }

    @Sendable func logout(_ request: Request, context: ServerContext) async throws -> Response {
        let form = try await Forms.decode(PlainForm.self, request, limit: 4 << 10)
        let identity = try Dashboard.requireForm(form, context, admin: false)
        if let session = identity.session { state.sessions.remove(id: session.id) }
        var response = Dashboard.seeOther("/login")
        response.setCookie(SessionCookie.clear(secure: state.settings.cookiesSecure))
        return response
    }

    /// Only local paths: never an open redirect to another site. Browsers drop tabs and newlines from a URL and read
    /// `\\` as `/`, so `/<TAB>/evil.example` would become `//evil.example`: any control character, space or
    /// backslash sends to `/` instead.
    static func safeNext(_ next: String) -> String {
        guard next.hasPrefix("/"), !next.hasPrefix("//"),
              !next.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "\\" }) else { return "/" }
        return next
    }
}
