/// Every user and token operation the CLI (and later `taskq serve`) performs: checks the values
/// (`CredentialRules`), hashes (`PasswordHasher`, `APIToken`), decides (expiry, roles) and asks the `UserStore` to
/// apply the result. Messages never contain a password, a hash or a token.
public enum Credentials {
    /// Adds a user after checking name, email and password. Throws `.usage` (64) for an invalid value and `.failed`
    /// (1) when the name is taken, storing nothing either way.
    public static func addUser(name: String, email: String?, role: UserRole, password: String, store: UserStore,
                               now: Millis) async throws -> UserRecord {
        let email = email.flatMap { $0.isEmpty ? nil : $0 }
        try CredentialRules.checkName(name)
        try CredentialRules.checkEmail(email)
        try CredentialRules.checkPassword(password, userName: name)
        // Cheap check first, so a taken name is refused without a quarter second of hashing; the add itself is
        // atomic and refuses a name taken meanwhile.
        if try await store.user(named: name) != nil { throw nameTaken(name) }
        let hash = try await PasswordHasher.hashOffPool(password)
        guard let user = try await store.addUser(NewUser(name: name, email: email, role: role, passwordHash: hash), now: now) else {
            throw nameTaken(name)
        }
        return user
    }

    /// Whether a user of that name exists (for prompts that refuse a taken name before asking for a password).
    public static func userExists(_ name: String, store: UserStore) async throws -> Bool {
        try await store.user(named: name) != nil
    }

    /// Whether the store has no user at all yet (the login page then says how to create the first).
    public static func noUserYet(store: UserStore) async throws -> Bool {
        try await store.users().isEmpty
    }

    /// Replaces a user's password after checking it. `.failed` (1) when there is no such user.
    public static func changePassword(name: String, password: String, store: UserStore, now: Millis) async throws {
        guard try await store.user(named: name) != nil else { throw noSuchUser(name) }
        try CredentialRules.checkPassword(password, userName: name)
        let hash = try await PasswordHasher.hashOffPool(password)
        guard try await store.setPasswordHash(hash, forUser: name, now: now) else { throw noSuchUser(name) }
    }

    /// Removes a user and revokes its tokens. Returns how many tokens were revoked; `.failed` when there is no such
    /// user.
    public static func removeUser(name: String, store: UserStore) async throws -> Int {
        guard let revoked = try await store.removeUser(named: name) else { throw noSuchUser(name) }
        return revoked
    }

    /// The user when `password` is theirs (recording the login), else nil. Unknown names take as long as wrong
    /// passwords. A hash made with a lower cost than today's is replaced on success.
    public static func authenticate(name: String, password: String, store: UserStore, now: Millis) async throws -> UserRecord? {
        guard let user = try await store.user(named: name) else {
            // The decoy is made (once) and checked on the blocking thread, never on the cooperative pool.
            _ = try await PasswordHasher.offPool { PasswordHasher.verify(password, against: PasswordHasher.decoy) }
            return nil
        }
        guard try await PasswordHasher.verifyOffPool(password, against: user.passwordHash) else { return nil }
        if PasswordHasher.needsRehash(user.passwordHash) {
            _ = try await store.setPasswordHash(try await PasswordHasher.hashOffPool(password), forUser: name, now: now)
        }
        _ = try await store.recordLogin(user: name, now: now)
        return try await store.user(named: name) ?? user
    }

    /// A new token for `user`, valid for `lifetime` when given. The secret is returned once and never stored.
    public static func createToken(user: String, name: String?, lifetime: Millis?, store: UserStore,
                                   now: Millis) async throws -> (secret: String, record: TokenRecord) {
        if let name { try checkTokenName(name) }
        if let lifetime, lifetime <= 0 { throw TaskqError.usage("the token lifetime must be positive") }
        let token = APIToken.generate()
        let new = NewToken(user: user, name: name, hash: token.hash, expiresAt: lifetime.map { now + $0 })
        guard let record = try await store.addToken(new, now: now) else { throw noSuchUser(user) }
        return (token.secret, record)
    }

    /// Revokes a token; `.failed` when there is no token with that id (ids are never reused, so a stale id never
    /// revokes another's token).
    public static func revokeToken(id: Int64, store: UserStore) async throws {
        guard try await store.revokeToken(id: id) else {
            throw TaskqError.failed("no token with id \(id) (already revoked, or never made; see taskq token list)")
        }
    }

    /// The tokens of `user` (every user's when nil), oldest first; `.failed` for a user that does not exist, as
    /// `token create` says, rather than an empty list.
    public static func tokens(user: String?, store: UserStore) async throws -> [TokenRecord] {
        if let user, try await store.user(named: user) == nil { throw noSuchUser(TerminalText.escaped(user)) }
        return try await store.tokens(user: user)
    }

    /// What a presented API token is worth.
    public enum TokenCheck: Sendable, Equatable {
        case valid(user: UserRecord, token: TokenRecord)
        /// Not a token, or no stored token has its hash (revoked, never issued).
        case unknown
        case expired
    }

    /// Checks a presented token: its shape, its hash among the stored ones (compared again in constant time), its
    /// expiry; records its use when valid (to the minute, `tokenUseResolution`). The lookup is by hash, so its timing can reveal only hashes, which do not
    /// lead back to tokens.
    public static func checkToken(_ presented: String, store: UserStore, now: Millis) async throws -> TokenCheck {
        guard APIToken.looksLikeToken(presented) else { return .unknown }
        let hash = APIToken.hash(presented)
        guard let found = try await store.token(hash: hash), ConstantTime.equal(found.token.hash, hash) else { return .unknown }
        if found.token.isExpired(now: now) { return .expired }
        var token = found.token
        // Last use is kept to the minute: a busy API client does not turn every request into a write.
        if token.lastUsedAt.map({ now - $0 >= tokenUseResolution }) ?? true {
            guard try await store.recordTokenUse(id: token.id, now: now) else { return .unknown }
            token.lastUsedAt = now
        }
        return .valid(user: found.user, token: token)
    }

    /// How finely a token's last use is recorded.
    public static let tokenUseResolution: Millis = 60_000

    /// Token names (labels): 1–200 characters, no control characters.
    static func checkTokenName(_ name: String) throws {
        guard !name.isEmpty, name.count <= 200, !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw TaskqError.usage("a token name must be 1–200 characters without control characters")
        }
    }

    static func nameTaken(_ name: String) -> TaskqError { .failed("a user named '\(name)' already exists") }
    static func noSuchUser(_ name: String) -> TaskqError { .failed("no user named '\(name)'") }
}
