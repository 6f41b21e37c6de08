import TaskKit

/// Keeps dashboard sessions in step with the users in the store, which `taskq user remove` and `taskq changepassword`
/// change from other processes: a session whose user is gone, or whose password changed after the login, ends; a
/// changed role applies at once. Users are read at most once a second each (docs/server.md#authentication).
final class SessionCheck: Sendable {
    private struct Entry { var user: UserRecord?; var checkedAt: Millis }
    private let entries = Locked([String: Entry]())
    private let ttlMillis: Millis

    init(ttlMillis: Millis = 1_000) { self.ttlMillis = ttlMillis }

    /// The identity `session` stands for now, or nil when it must end.
    func identity(for session: Session, store: UserStore, now: Millis) async throws -> Identity? {
        let cached = entries.withLock { table -> Entry? in
            guard let entry = table[session.user], now - entry.checkedAt < ttlMillis else { return nil }
            return entry
        }
        let user: UserRecord?
        if let cached {
            user = cached.user
        } else {
            user = try await store.user(named: session.user)
            entries.withLock { table in
                if table.count > 10_000 { table.removeAll() }
                table[session.user] = Entry(user: user, checkedAt: now)
            }
        }
        guard let user, user.updatedAt <= session.createdAt else { return nil }
        return Identity(user: user.name, role: user.role, via: .session(session))
    }
}
