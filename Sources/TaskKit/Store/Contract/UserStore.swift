/// Users and their API tokens (`taskq createsuperuser`, `taskq user`, `taskq token`; later `taskq serve`).
///
/// The store keeps what TaskKit hands it: a password only as its slow salted hash (`PasswordHash`), a token only as
/// its SHA-256 (`APIToken.hash`). It validates, hashes and decides nothing (expiry, roles and passwords are checked by
/// `Credentials`); each call is one atomic operation and says what happened.
public protocol UserStore: AnyObject, Sendable {
    /// Adds a user. Returns nil, changing nothing, when the name is taken (also by a concurrent add: one wins).
    func addUser(_ user: NewUser, now: Millis) async throws -> UserRecord?
    /// The user of that name (exact, case-sensitive), or nil.
    func user(named name: String) async throws -> UserRecord?
    /// Every user, in the order they were added.
    func users() async throws -> [UserRecord]
    /// Deletes the user and every token of theirs, atomically. Returns how many tokens were revoked with it, or nil
    /// when there is no such user.
    func removeUser(named name: String) async throws -> Int?
    /// Replaces the user's password hash (`updatedAt` becomes `now`). Returns false when there is no such user.
    func setPasswordHash(_ hash: PasswordHash, forUser name: String, now: Millis) async throws -> Bool
    /// Records a successful login at `now`. Returns false when there is no such user.
    func recordLogin(user name: String, now: Millis) async throws -> Bool

    /// Stores a token (its hash only) for `token.user`. Returns nil when there is no such user.
    func addToken(_ token: NewToken, now: Millis) async throws -> TokenRecord?
    /// Tokens, oldest first; only `user`'s when given.
    func tokens(user: String?) async throws -> [TokenRecord]
    /// The token with this hash and its user, or nil. Expired tokens are returned too: `Credentials` decides.
    func token(hash: String) async throws -> (token: TokenRecord, user: UserRecord)?
    /// Deletes a token. Returns false when there is no token with that id.
    func revokeToken(id: Int64) async throws -> Bool
    /// Records that the token was used at `now`. Returns false when it is gone (revoked meanwhile).
    func recordTokenUse(id: Int64, now: Millis) async throws -> Bool
}

/// What a user may do. `admin`: every action; `viewer`: read-only.
public enum UserRole: String, Sendable, CaseIterable, Equatable {
    case admin, viewer

    /// True when the role may change anything (enqueue, cancel, retry, pause, manage schedules).
    public var canChange: Bool { self == .admin }
}

/// A user to add: the password already hashed.
public struct NewUser: Sendable, Equatable {
    public var name: String
    public var email: String?
    public var role: UserRole
    public var passwordHash: PasswordHash

    public init(name: String, email: String?, role: UserRole, passwordHash: PasswordHash) {
        self.name = name
        self.email = email
        self.role = role
        self.passwordHash = passwordHash
    }
}

/// A stored user. Its JSON shape (`jsonObject`) leaves the password hash out.
public struct UserRecord: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var email: String?
    public var role: UserRole
    public var passwordHash: PasswordHash
    public var createdAt: Millis
    /// The last change of the password (or the creation).
    public var updatedAt: Millis
    public var lastLoginAt: Millis?

    public init(id: Int64, name: String, email: String?, role: UserRole, passwordHash: PasswordHash, createdAt: Millis,
                updatedAt: Millis, lastLoginAt: Millis?) {
        self.id = id
        self.name = name
        self.email = email
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.lastLoginAt = lastLoginAt
    }
}

/// A token to store: its hash, never the token.
public struct NewToken: Sendable, Equatable {
    public var user: String
    public var name: String?
    /// `APIToken.hash` of the token.
    public var hash: String
    public var expiresAt: Millis?

    public init(user: String, name: String?, hash: String, expiresAt: Millis?) {
        self.user = user
        self.name = name
        self.hash = hash
        self.expiresAt = expiresAt
    }
}

/// A stored token: everything but the token itself (which is never stored).
public struct TokenRecord: Sendable, Equatable {
    public var id: Int64
    public var user: String
    public var name: String?
    /// `APIToken.hash` of the token.
    public var hash: String
    public var createdAt: Millis
    public var expiresAt: Millis?
    public var lastUsedAt: Millis?

    public init(id: Int64, user: String, name: String?, hash: String, createdAt: Millis, expiresAt: Millis?, lastUsedAt: Millis?) {
        self.id = id
        self.user = user
        self.name = name
        self.hash = hash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
    }

    /// True from `expiresAt` on.
    public func isExpired(now: Millis) -> Bool { expiresAt.map { now >= $0 } ?? false }
}
