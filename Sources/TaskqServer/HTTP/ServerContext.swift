import HTTPTypes
import Hummingbird
import TaskKit

/// Who made a request, once the auth middleware has looked.
struct Identity: Sendable {
    enum Via: Sendable {
        case token(id: Int64)
        case session(Session)
    }

    var user: String
    var role: UserRole
    var via: Via

    var session: Session? { if case let .session(s) = via { return s } else { return nil } }
}

/// Per-request state: Hummingbird's core storage plus the caller's identity.
struct ServerContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var identity: Identity?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Bodies are read and bounded by the handlers themselves (`RequestBody`), with a problem response on excess.
    var maxUploadSize: Int { .max }

    /// The identity, or 401.
    func requireUser() throws -> Identity {
        guard let identity else { throw Problem.unauthorized() }
        return identity
    }

    /// The identity when it may change things, else 401 or 403.
    func requireAdmin() throws -> Identity {
        let identity = try requireUser()
        guard identity.role.canChange else { throw Problem.forbidden }
        return identity
    }
}
