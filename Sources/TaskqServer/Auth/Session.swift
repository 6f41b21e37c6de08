import TaskKit

/// A dashboard login. The id travels in an HttpOnly cookie; `csrf` is embedded in every form and must come back
/// with every change (form field `csrf` or header `X-CSRF-Token`).
struct Session: Sendable {
    var id: String
    var user: String
    var role: UserRole
    var csrf: String
    var lastUsed: Millis
    /// When the user logged in: a password changed later ends the session (`SessionCheck`).
    var createdAt: Millis
}

/// Logged-in sessions, in the memory of this `taskq serve` process (a restart logs everyone out; see docs/server.md).
/// Ids and CSRF tokens are 256-bit random values; lookups compare in constant time after the table lookup by a
/// hash of the id, so response timing says nothing about other sessions.
final class SessionStore: Sendable {
    private let sessions = Locked([String: Session]())
    private let idleMillis: Millis

    init(idleMillis: Millis) { self.idleMillis = idleMillis }

    func create(user: String, role: UserRole, now: Millis) -> Session {
        let session = Session(id: RandomToken.make(), user: user, role: role, csrf: RandomToken.make(), lastUsed: now, createdAt: now)
        sessions.withLock { table in
            table = table.filter { now - $0.value.lastUsed < idleMillis }
            table[APIToken.hash(session.id)] = session
        }
        return session
    }

    /// The live session with this id (its idle timer restarted), or nil when unknown or expired.
    func session(id: String, now: Millis) -> Session? {
        let key = APIToken.hash(id)
        return sessions.withLock { table -> Session? in
            guard var session = table[key], ConstantTime.equal(session.id, id) else { return nil }
            guard now - session.lastUsed < idleMillis else { table[key] = nil; return nil }
            session.lastUsed = now
            table[key] = session
            return session
        }
    }

    /// Whether the session is still live, without counting this as a use: an open live page does not keep an
    /// otherwise idle session alive.
    func isLive(id: String, now: Millis) -> Bool {
        let key = APIToken.hash(id)
        return sessions.withLock { table in
            guard let session = table[key] else { return false }
            return now - session.lastUsed < idleMillis
        }
    }

    func remove(id: String) { sessions.withLock { $0[APIToken.hash(id)] = nil } }

    /// Ends every session of `user`.
    func removeAll(user: String) { sessions.withLock { $0 = $0.filter { $0.value.user != user } } }
}

/// Random URL-safe tokens for session ids and CSRF values.
enum RandomToken {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return APIToken.base64URL(bytes)
    }
}
