import Hummingbird
import TaskKit

/// The one-line notice a dashboard form leaves for the page it redirects to ("Job 42 enqueued."): a short-lived
/// HttpOnly cookie the next page shows and clears. Not a query parameter, so nobody can craft a link that makes the
/// dashboard display their text.
enum Flash {
    static let name = "taskq_flash"

    static func cookie(_ note: String) -> Cookie {
        Cookie(name: name, value: Query.escape(String(note.prefix(300))), maxAge: 60, path: "/", httpOnly: true, sameSite: .lax)
    }

    /// The notice waiting for this request, if any.
    static func read(_ request: Request) -> String? {
        guard let value = request.cookies[name]?.value, !value.isEmpty, let note = Query.percentDecoded(value), !note.isEmpty else { return nil }
        return String(note.prefix(300))
    }

    /// `response`, clearing the notice when `request` carried one (it is shown once).
    static func clear(_ response: Response, _ request: Request) -> Response {
        guard request.cookies[name] != nil else { return response }
        var response = response
        response.setCookie(Cookie(name: name, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax))
        return response
    }
}
