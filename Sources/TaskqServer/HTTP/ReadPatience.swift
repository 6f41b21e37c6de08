import Hummingbird
import TaskKit

/// Reads (GET, HEAD) stop waiting for a store that does not answer within `seconds` and get the 503 with
/// `Retry-After` a store that refuses connections gets (`StorePatience`). A store that hangs instead of refusing
/// (a paused server, a lost network path) would otherwise hold every request for as long as it hangs. Changes
/// (POST) wait for the store: cut off, the caller could not tell whether the change was made.
struct ReadPatienceMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let seconds: Double

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head else { return try await next(request, context) }
        return try await StorePatience.$seconds.withValue(seconds) { try await next(request, context) }
    }
}
