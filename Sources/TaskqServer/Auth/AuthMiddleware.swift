import HTTPTypes
import Hummingbird
import TaskKit

/// Sets `context.identity` from a bearer token (`Authorization: Bearer tq_…`) or the dashboard's session cookie.
/// A bad token is 401 at once; no credentials leave the identity empty and each route decides (the API answers 401,
/// the dashboard sends to the login page). A session used for an API change must carry its CSRF token in
/// `X-CSRF-Token` (403 otherwise); dashboard forms carry it as a field, checked by the form handlers.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let state: ServerState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let now = Clock.now()
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw Problem.unauthorized("use 'Authorization: Bearer TOKEN' with a token from taskq token create")
            }
            context.identity = try await state.tokens.identity(for: String(parts[1]).trimmingSpaces, store: state.store, now: now)
        } else if let id = request.cookies[SessionCookie.name]?.value, let session = state.sessions.session(id: id, now: now) {
            let checked: Identity?
            do {
                checked = try await state.sessionCheck.identity(for: session, store: state.store, now: now)
            } catch {
                // The store cannot say whether the user still exists: the session is still this server's own, so its
                // user is told the store's trouble as a logged-in caller is (docs/server.md#store-errors).
                throw IdentifiedError(user: session.user, error: error)
            }
            guard let identity = checked else {
                // The user was removed or changed their password since logging in: as if logged out.
                state.sessions.remove(id: session.id)
                return try await next(request, context)
            }
            context.identity = identity
            // By segment, as the router reads the path (CanonicalPathMiddleware refuses `//api/…` before this too).
            if request.uri.path.split(separator: "/").first == "api", ![.get, .head].contains(request.method) {
                guard let sent = request.headers[.csrfToken], ConstantTime.equal(sent, session.csrf) else {
                    throw Problem(.forbidden, "missing or wrong X-CSRF-Token for this session")
                }
            }
        }
        guard let user = context.identity?.user else { return try await next(request, context) }
        // The access log names the caller, answer or error.
        do {
            var response = try await next(request, context)
            if response.headers[.accessLogUser] == nil { response.headers[.accessLogUser] = user }
            return response
        } catch {
            throw IdentifiedError(user: user, error: error)
        }
    }
}

/// An error on its way to the access log with the user whose request failed.
struct IdentifiedError: Error {
    var user: String
    var error: Error
}


extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// The session cookie: HttpOnly, SameSite=Lax, Path=/, Secure unless serving plain HTTP on loopback; no Max-Age (it
/// ends with the browser), while the server ends the session after `sessionIdleMillis` without a request.
enum SessionCookie {
    static let name = "taskq_session"

    static func set(_ session: Session, secure: Bool) -> Cookie {
        Cookie(name: name, value: session.id, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    static func clear(secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}
