/// Users and API tokens in PostgreSQL (`taskq_users`, `taskq_tokens`; migration 0005). A name taken by a concurrent
/// add is refused by the unique index inside the insert (`ON CONFLICT DO NOTHING`); removing a user deletes its
/// tokens in the same statement (foreign key with `ON DELETE CASCADE`, counted first).
extension PostgresStore {
    static let userColumns = "id, name, email, role, password_hash, created_at, updated_at, last_login_at"
    static let tokenColumns = "t.id, u.name, t.name, t.token_hash, t.created_at, t.expires_at, t.last_used_at"

    public func addUser(_ user: NewUser, now: Millis) async throws -> UserRecord? {
        try await connection.run { db in
            let r = try db.exec("""
                INSERT INTO taskq_users (name, email, role, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
                ON CONFLICT (name) DO NOTHING RETURNING \(Self.userColumns)
                """, [user.name, user.email, user.role.rawValue, user.passwordHash.encoded, String(now)])
            return r.rowCount == 1 ? Self.decodeUser(r, 0) : nil
        }
    }

    public func user(named name: String) async throws -> UserRecord? {
        try await connection.run { db in
            let r = try db.exec("SELECT \(Self.userColumns) FROM taskq_users WHERE name = $1", [name])
            return r.rowCount == 1 ? Self.decodeUser(r, 0) : nil
        }
    }

    public func users() async throws -> [UserRecord] {
        try await connection.run { db in
            let r = try db.exec("SELECT \(Self.userColumns) FROM taskq_users ORDER BY id", [])
            return (0..<r.rowCount).map { Self.decodeUser(r, $0) }
        }
    }

    public func removeUser(named name: String) async throws -> Int? {
        try await connection.run { db in
            let r = try db.exec("""
                WITH gone AS (DELETE FROM taskq_users WHERE name = $1 RETURNING id)
                SELECT (SELECT count(*) FROM taskq_tokens WHERE user_id = gone.id) FROM gone
                """, [name])
            return r.rowCount == 1 ? Int(r.int(0, 0)) : nil
        }
    }

    public func setPasswordHash(_ hash: PasswordHash, forUser name: String, now: Millis) async throws -> Bool {
        try await connection.run { db in
            try db.exec("UPDATE taskq_users SET password_hash = $1, updated_at = $2 WHERE name = $3 RETURNING id",
                        [hash.encoded, String(now), name]).rowCount == 1
        }
    }

    public func recordLogin(user name: String, now: Millis) async throws -> Bool {
        try await connection.run { db in
            try db.exec("UPDATE taskq_users SET last_login_at = $1 WHERE name = $2 RETURNING id", [String(now), name]).rowCount == 1
        }
    }

    public func addToken(_ token: NewToken, now: Millis) async throws -> TokenRecord? {
        try await connection.run { db in
            let r = try db.exec("""
                INSERT INTO taskq_tokens (user_id, name, token_hash, created_at, expires_at)
                SELECT id, $1, $2, $3, $4 FROM taskq_users WHERE name = $5 RETURNING id
                """, [token.name, token.hash, String(now), token.expiresAt.map { String($0) }, token.user])
            guard r.rowCount == 1 else { return nil }
            return TokenRecord(id: r.int(0, 0), user: token.user, name: token.name, hash: token.hash, createdAt: now,
                               expiresAt: token.expiresAt, lastUsedAt: nil)
        }
    }

    public func tokens(user: String?) async throws -> [TokenRecord] {
        try await connection.run { db in
            let r = try db.exec("""
                SELECT \(Self.tokenColumns) FROM taskq_tokens t JOIN taskq_users u ON u.id = t.user_id
                WHERE $1::text IS NULL OR u.name = $1 ORDER BY t.id
                """, [user])
            return (0..<r.rowCount).map { Self.decodeToken(r, $0) }
        }
    }

    public func token(hash: String) async throws -> (token: TokenRecord, user: UserRecord)? {
        try await connection.run { db in
            let r = try db.exec("""
                SELECT \(Self.tokenColumns), \(Self.userColumns.split(separator: ", ").map { "u." + $0 }.joined(separator: ", "))
                FROM taskq_tokens t JOIN taskq_users u ON u.id = t.user_id WHERE t.token_hash = $1
                """, [hash])
            guard r.rowCount == 1 else { return nil }
            return (Self.decodeToken(r, 0), Self.decodeUser(r, 0, from: 7))
        }
    }

    public func revokeToken(id: Int64) async throws -> Bool {
        try await connection.run { db in
            try db.exec("DELETE FROM taskq_tokens WHERE id = $1 RETURNING id", [String(id)]).rowCount == 1
        }
    }

    public func recordTokenUse(id: Int64, now: Millis) async throws -> Bool {
        try await connection.run { db in
            try db.exec("UPDATE taskq_tokens SET last_used_at = $1 WHERE id = $2 RETURNING id", [String(now), String(id)]).rowCount == 1
        }
    }

    static func decodeUser(_ r: PostgresResult, _ row: Int, from c: Int = 0) -> UserRecord {
        UserRecord(id: r.int(row, c), name: r.string(row, c + 1), email: r.optionalString(row, c + 2),
                   role: UserRole(rawValue: r.string(row, c + 3)) ?? .viewer, passwordHash: PasswordHash(encoded: r.string(row, c + 4)),
                   createdAt: r.int(row, c + 5), updatedAt: r.int(row, c + 6), lastLoginAt: r.optionalInt(row, c + 7))
    }

    static func decodeToken(_ r: PostgresResult, _ row: Int) -> TokenRecord {
        TokenRecord(id: r.int(row, 0), user: r.string(row, 1), name: r.optionalString(row, 2), hash: r.string(row, 3),
                    createdAt: r.int(row, 4), expiresAt: r.optionalInt(row, 5), lastUsedAt: r.optionalInt(row, 6))
    }
}
