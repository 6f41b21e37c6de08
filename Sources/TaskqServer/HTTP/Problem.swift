import HTTPTypes
import Hummingbird
import Logging
import TaskKit

/// An error answered as `application/problem+json` (RFC 9457): `{"type", "title", "status", "detail"}`. `detail`
/// is the same one line the CLI prints for the same mistake.
struct Problem: Error, Sendable {
    var status: HTTPResponse.Status
    var detail: String
    var headers: HTTPFields = [:]
    /// The store could not be used (TaskKit's `unavailable` or `temporary`): the detail may name the store's address.
    var isStoreTrouble = false

    init(_ status: HTTPResponse.Status, _ detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.detail = detail
        self.headers = headers
    }

    /// The HTTP face of a TaskKit error: bad values 400 (data 422), missing 404, state conflicts 409, a store that
    /// cannot be reached 503; Hummingbird's own errors (no such route: 404) with their status; a request cut off at
    /// shutdown 503; anything else 500 without details.
    init(_ error: Error) {
        switch error {
        case let problem as Problem: self = problem
        case let error as HTTPError:
            self.init(error.status, error.body ?? Self.detail(for: error.status), headers: error.headers)
        case let error as HTTPResponseError:
            self.init(error.status, Self.detail(for: error.status))
        case is CancellationError:
            self.init(.serviceUnavailable, "the server is shutting down: the request was cut off", headers: [.retryAfter: "1"])
        case let error as TaskqError:
            switch error {
            case let .usage(m): self.init(.badRequest, m)
            case let .badInput(m): self.init(.unprocessableContent, m)
            case let .notFound(m): self.init(.notFound, m)
            case let .conflict(m), let .failed(m): self.init(.conflict, m)
            case let .unavailable(m), let .temporary(m):
                self.init(.serviceUnavailable, m, headers: [.retryAfter: "1"])
                isStoreTrouble = true
            case let .interrupted(m): self.init(.serviceUnavailable, m, headers: [.retryAfter: "1"])
            }
        // Hummingbird's own errors (no route matched: 404, a method not allowed: 405, …) keep their status.
        case let error as HTTPError where error.status.code < 500:
            self.init(error.status, error.body ?? (error.status == .notFound ? "no such page or endpoint" : error.status.reasonPhrase),
                      headers: error.headers)
        default: self.init(.internalServerError, "internal error")
        }
    }

    static func unauthorized(_ detail: String = "authentication required: send 'Authorization: Bearer TOKEN' (taskq token create) or log in") -> Problem {
        Problem(.unauthorized, detail, headers: [.wwwAuthenticate: "Bearer realm=\"taskq\""])
    }

    /// A one-line detail for a status that came without one.
    static func detail(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: return "no such page or route (the API's routes are in /api/openapi.json)"
        default: return status.reasonPhrase.lowercased()
        }
    }

    /// What a caller who has not logged in learns of a store problem: that there is one, not the store's host,
    /// port, user or database (docs/server.md#store-errors). The whole detail goes to the server's log instead.
    func shown(toAnonymousCaller anonymous: Bool, request: Request, logger: Logger) -> Problem {
        guard anonymous, isStoreTrouble else { return self }
        logger.warning("\(request.method) \(TerminalText.escaped(request.uri.path)): \(detail)")
        var withheld = self
        withheld.detail = Self.anonymousStoreDetail(detail)
        return withheld
    }

    /// A store error's detail without the store's address: the schema advice it carries (`run taskq migrate`,
    /// `upgrade taskq`), or only that the store cannot be used.
    static func anonymousStoreDetail(_ detail: String) -> String {
        for advice in ["run `taskq migrate`", "upgrade taskq"] where detail.contains(advice) {
            return "the store's schema is not one this taskq can use: \(advice) (taskq serve's log says more)"
        }
        return "the store cannot be used right now (taskq serve's log says why)"
    }

    static let forbidden = Problem(.forbidden, "viewers cannot change anything: this needs an admin")

    var response: Response {
        let body = JSONValue.obj(("type", .string("about:blank")), ("title", .string(status.reasonPhrase)),
                                 ("status", .int(Int64(status.code))), ("detail", .string(detail)))
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body.serialized() + "\n")))
    }
}
