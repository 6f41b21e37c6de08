import TaskKit

/// Valid API tokens seen in the last `ttlMillis`, so a busy client costs one store read per second, not one per
/// request. A revoked or expired token stops working within `ttlMillis` (docs/server.md#authentication).
final class TokenCache: Sendable {
    private struct Entry { var identity: Identity; var expiresAt: Millis?; var checkedAt: Millis }
    private let entries = Locked([String: Entry]())
    private let ttlMillis: Millis

    init(ttlMillis: Millis = 1_000) { self.ttlMillis = ttlMillis }

    /// The identity behind `presented`, or a 401 problem saying why not.
    func identity(for presented: String, store: UserStore, now: Millis) async throws -> Identity {
        let key = APIToken.hash(presented)
        if let hit = entries.withLock({ table -> Identity? in
            guard let entry = table[key], now - entry.checkedAt < ttlMillis, entry.expiresAt.map({ now < $0 }) ?? true else { return nil }
            return entry.identity
        }) { return hit }
        let checked: Credentials.TokenCheck
        do {
            checked = try await Credentials.checkToken(presented, store: store, now: now)
        } catch {
            // A token this server found valid before the store stopped answering: its user is told the store's
            // trouble as a logged-in caller is; a token never seen stays anonymous (docs/server.md#store-errors).
            let known = entries.withLock { table -> String? in
                guard let entry = table[key], entry.expiresAt.map({ now < $0 }) ?? true else { return nil }
                return entry.identity.user
            }
            if let known { throw IdentifiedError(user: known, error: error) }
            throw error
        }
        switch checked {
        case let .valid(user, token):
            let identity = Identity(user: user.name, role: user.role, via: .token(id: token.id))
            entries.withLock { table in
                if table.count > 10_000 { table.removeAll() }
                table[key] = Entry(identity: identity, expiresAt: token.expiresAt, checkedAt: now)
            }
            return identity
        case .expired:
            entries.withLock { _ = $0.removeValue(forKey: key) }
            throw Problem.unauthorized("the API token has expired: create a new one with taskq token create")
        case .unknown:
            entries.withLock { _ = $0.removeValue(forKey: key) }
            throw Problem.unauthorized("invalid API token (unknown or revoked)")
        }
    }
}
