import Hummingbird

/// Refuses paths with an empty, `.` or `..` segment (`//api/v1/jobs`, `/api/./v1/jobs`) with 404. The router skips
/// empty segments, so such a path reaches the route of its plain spelling while every check that reads the path as
/// text (the API's CSRF rule, the event streams' HEAD rule) would miss it. One spelling per route; a trailing `/` is
/// left to the router.
struct CanonicalPathMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.isCanonical(request.uri.path) else {
            throw Problem(.notFound, "no such page: a path has no empty, '.' or '..' segments")
        }
        return try await next(request, context)
    }

    static func isCanonical(_ path: String) -> Bool {
        guard path.hasPrefix("/") else { return false }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            if segment == "." || segment == ".." { return false }
            if segment.isEmpty && index != segments.count - 1 { return false }
        }
        return true
    }
}
