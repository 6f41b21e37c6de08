/// Users and API tokens in Redis (`user:NAME`, `token:ID` and their indexes; docs/redis.md). Every change is one
/// script, so a name taken by a concurrent add is refused and a user's removal takes its tokens with it atomically.
extension RedisStore {
    public func addUser(_ user: NewUser, now: Millis) async throws -> UserRecord? {
        let id = try await connection.run { db in
            try self.eval(db, RedisScripts.addUser, [user.name, user.email ?? "", user.role.rawValue, user.passwordHash.encoded,
                                                     String(now)]).int ?? 0
        }
        guard id > 0 else { return nil }
        return UserRecord(id: id, name: user.name, email: user.email, role: user.role, passwordHash: user.passwordHash,
                          createdAt: now, updatedAt: now, lastLoginAt: nil)
    }

    public func user(named name: String) async throws -> UserRecord? {
        // A name with `:` can never be stored (`CredentialRules`); looking it up would read another key.
        guard !name.contains(":") else { return nil }
        let fields = try await connection.run { db in try db.command(["HGETALL", "\(self.p):user:\(name)"]).array }
        return Self.decodeUser(Self.fieldMap(fields))
    }

    public func users() async throws -> [UserRecord] {
        let r = try await connection.run { db in try self.eval(db, RedisScripts.users, []).array }
        return r.compactMap { Self.decodeUser(Self.fieldMap($0.array)) }
    }

    public func removeUser(named name: String) async throws -> Int? {
        guard !name.contains(":") else { return nil }
        let revoked = try await connection.run { db in try self.eval(db, RedisScripts.removeUser, [name]).int ?? -1 }
        return revoked < 0 ? nil : Int(revoked)
    }

    public func setPasswordHash(_ hash: PasswordHash, forUser name: String, now: Millis) async throws -> Bool {
        guard !name.contains(":") else { return false }
        return try await connection.run { db in
            try self.eval(db, RedisScripts.updateUser, [name, "password_hash", hash.encoded, "updated_at", String(now)]).int == 1
        }
    }

    public func recordLogin(user name: String, now: Millis) async throws -> Bool {
        guard !name.contains(":") else { return false }
        return try await connection.run { db in try self.eval(db, RedisScripts.updateUser, [name, "last_login_at", String(now)]).int == 1 }
    }

    public func addToken(_ token: NewToken, now: Millis) async throws -> TokenRecord? {
        guard !token.user.contains(":") else { return nil }
        let id = try await connection.run { db in
            try self.eval(db, RedisScripts.addToken, [token.user, token.name ?? "", token.hash, String(now),
                                                      token.expiresAt.map { String($0) } ?? ""]).int ?? 0
        }
        guard id > 0 else { return nil }
        return TokenRecord(id: id, user: token.user, name: token.name, hash: token.hash, createdAt: now, expiresAt: token.expiresAt,
                           lastUsedAt: nil)
    }

    public func tokens(user: String?) async throws -> [TokenRecord] {
        let r = try await connection.run { db in try self.eval(db, RedisScripts.tokens, [user ?? ""]).array }
        return r.compactMap { Self.decodeToken(Self.fieldMap($0.array)) }
    }

    public func token(hash: String) async throws -> (token: TokenRecord, user: UserRecord)? {
        let r = try await connection.run { db in try self.eval(db, RedisScripts.tokenByHash, [hash]).array }
        guard r.count == 2, let token = Self.decodeToken(Self.fieldMap(r[0].array)),
              let user = Self.decodeUser(Self.fieldMap(r[1].array)) else { return nil }
        return (token, user)
    }

    public func revokeToken(id: Int64) async throws -> Bool {
        try await connection.run { db in try self.eval(db, RedisScripts.revokeToken, [String(id)]).int == 1 }
    }

    public func recordTokenUse(id: Int64, now: Millis) async throws -> Bool {
        try await connection.run { db in try self.eval(db, RedisScripts.recordTokenUse, [String(id), String(now)]).int == 1 }
    }

    static func decodeUser(_ f: [String: String]) -> UserRecord? {
        guard let id = f["id"].flatMap({ Int64($0) }), let name = f["name"], let hash = f["password_hash"] else { return nil }
        return UserRecord(id: id, name: name, email: f["email"], role: f["role"].flatMap(UserRole.init(rawValue:)) ?? .viewer,
                          passwordHash: PasswordHash(encoded: hash), createdAt: f["created_at"].flatMap { Int64($0) } ?? 0,
                          updatedAt: f["updated_at"].flatMap { Int64($0) } ?? 0, lastLoginAt: f["last_login_at"].flatMap { Int64($0) })
    }

    static func decodeToken(_ f: [String: String]) -> TokenRecord? {
        guard let id = f["id"].flatMap({ Int64($0) }), let user = f["user"], let hash = f["hash"] else { return nil }
        return TokenRecord(id: id, user: user, name: f["name"], hash: hash, createdAt: f["created_at"].flatMap { Int64($0) } ?? 0,
                           expiresAt: f["expires_at"].flatMap { Int64($0) }, lastUsedAt: f["last_used_at"].flatMap { Int64($0) })
    }
}
