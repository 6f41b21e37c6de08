/// Users and API tokens in PostgreSQL (`taskq_users`, `taskq_tokens`; migration 0005). A name taken by a concurrent
/// add is refused by the unique index inside the insert (`ON CONFLICT DO NOTHING`); removing a user deletes its
/// tokens in the same statement (foreign key with `ON DELETE CASCADE`, counted first).
extension PostgresStore {

    public func addUser(_ user: NewUser, now: Millis) async throws -> UserRecord? {
        try await connection.run { db in
            let r = try db.exec("""
                INSERT INTO taskq_users (name, email, role, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
                ON CONFLICT (name) DO NOTHING RETURNING \(UserColumns.user)
                """, [user.name, user.email, user.role.rawValue, user.passwordHash.encoded, String(now)])
            return r.rowCount == 1 ? UserColumns.decodeUser(PostgresSQL.Row(result: r, row: 0)) : nil
        }
    }

    public func user(named name: String) async throws -> UserRecord? {
        try await connection.run { db in
            let r = try db.exec("SELECT \(UserColumns.user) FROM taskq_users WHERE name = $1", [name])
            return r.rowCount == 1 ? UserColumns.decodeUser(PostgresSQL.Row(result: r, row: 0)) : nil
        }
    }

    public func users() async throws -> [UserRecord] {
        try await connection.run { db in
            let r = try db.exec("SELECT \(UserColumns.user) FROM taskq_users ORDER BY id", [])
            return (0..<r.rowCount).map { UserColumns.decodeUser(PostgresSQL.Row(result: r, row: $0)) }
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
                SELECT \(UserColumns.token) FROM taskq_tokens t JOIN taskq_users u ON u.id = t.user_id
                WHERE $1::text IS NULL OR u.name = $1 ORDER BY t.id
                """, [user])
            return (0..<r.rowCount).map { UserColumns.decodeToken(PostgresSQL.Row(result: r, row: $0)) }
        }
    }

    public func token(hash: String) async throws -> (token: TokenRecord, user: UserRecord)? {
        try await connection.run { db in
            let r = try db.exec("""
                SELECT \(UserColumns.token), \(UserColumns.userOfToken)
                FROM taskq_tokens t JOIN taskq_users u ON u.id = t.user_id WHERE t.token_hash = $1
                """, [hash])
            guard r.rowCount == 1 else { return nil }
            let row = PostgresSQL.Row(result: r, row: 0)
            return (UserColumns.decodeToken(row), UserColumns.decodeUser(row, from: 7))
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
}
