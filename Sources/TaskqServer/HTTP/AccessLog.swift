import HTTPTypes
import Hummingbird
import Logging
import TaskKit

/// The outermost middleware: turns every error into a problem response (no stack, no store text beyond the
/// CLI's one line), writes one access-log line per request (method, path without the query string, status,
/// milliseconds, user; never headers, cookies or tokens) and counts the request for `/metrics`.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let state: ServerState
    let routes: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        var user = "-"
        do {
            do {
                response = try await next(request, context)
            } catch let identified as IdentifiedError {
                user = identified.user
                throw identified.error
            }
        } catch let redirect as RedirectToLogin {
            response = redirect.response
        } catch {
            var problem = Problem(error)
            // Only the router throws this (routes answer with problems): a known path asked with another method is 405.
            if let error = error as? HTTPError, error.status == .notFound, let methods = routes.allowed(path: request.uri.path) {
                let allow = methods.joined(separator: ", ")
                problem = Problem(.methodNotAllowed, "\(request.method) is not allowed here: use \(allow)", headers: [.allow: allow])
            }
            if problem.status == .internalServerError {
                state.logger.error("\(request.method) \(request.uri.path): \(error)")
            }
            problem = problem.shown(toAnonymousCaller: user == "-", request: request, logger: state.logger)
            response = Dashboard.wantsHTML(request) && !request.uri.path.hasPrefix("/api/") ? Dashboard.errorPage(problem) : problem.response
        }
        if let header = response.headers[.accessLogUser] {
            user = header
            response.headers[.accessLogUser] = nil
        }
        let elapsed = ContinuousClock.now - start
        let nanos = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        let method = request.headers[.headRequest] == nil ? request.method.rawValue : "HEAD"
        state.metrics.record(method: method, status: response.status.code, nanoseconds: nanos)
        let millis = Double(nanos / 1000) / 1000
        // The user in the text too: the text log prints the message alone (the JSON log also has the field).
        state.logger.info("\(method) \(TerminalText.escaped(request.uri.path)) \(response.status.code) \(millis)ms\(user == "-" ? "" : " by \(TerminalText.escaped(user))")",
                          metadata: ["user": .string(user)])
        return response
    }
}
