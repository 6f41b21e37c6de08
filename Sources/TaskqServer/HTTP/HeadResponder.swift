import HTTPTypes
import Hummingbird

/// Answers HEAD as GET without the body (RFC 9110 §9.3.2) in front of the router, which holds GET routes only and
/// picks a route before any middleware runs. The live event streams (`/events/…`) stay GET only. The access log
/// still names the method the client sent (`headRequest`).
struct HeadResponder<Base: HTTPResponder>: HTTPResponder where Base.Context == ServerContext {
    let base: Base

    func respond(to request: Request, context: ServerContext) async throws -> Response {
        var head = request.head
        guard request.method == .head, !request.uri.path.hasPrefix("/events/") else {
            guard head.headerFields[.headRequest] != nil else { return try await base.respond(to: request, context: context) }
            head.headerFields[.headRequest] = nil
            return try await base.respond(to: Request(head: head, body: request.body), context: context)
        }
        head.headerFields[.headRequest] = nil
        head.method = .get
        head.headerFields[.headRequest] = "1"
        var response = try await base.respond(to: Request(head: head, body: request.body), context: context)
        // The GET answer's length stays in the headers (setting the empty body would make it 0).
        let length = response.headers[.contentLength]
        response.body = ResponseBody()
        response.headers[.contentLength] = length
        return response
    }
}
