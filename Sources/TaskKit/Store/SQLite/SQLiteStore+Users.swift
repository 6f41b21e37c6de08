/// Users and API tokens in SQLite (`taskq_users`, `taskq_tokens`; migration 0005). A name taken by a concurrent add
/// is refused by the unique index inside the insert (`ON CONFLICT DO NOTHING`); removing a user deletes its tokens
/// in the same transaction (foreign key with `ON DELETE CASCADE`).
extension SQLiteStore {

    public func addUser(_ user: NewUser, now: Millis) async throws -> UserRecord? {
        try await connection.run { db in
            try db.writeTransaction {
                let insert = try db.prepare("""
                    INSERT INTO taskq_users (name, email, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (name) DO NOTHING RETURNING \(UserColumns.user)
                    """).bind([.text(user.name), .optional(user.email), .text(user.role.rawValue), .text(user.passwordHash.encoded),
                               .int(now), .int(now)])
                guard try insert.step() else { return nil }
                let record = UserColumns.decodeUser(SQLiteSQL.Row(statement: insert))
                try insert.run()
                return record
            }
        }
    }

    public func user(named name: String) async throws -> UserRecord? {
        try await connection.run { db in
            let select = try db.prepare("SELECT \(UserColumns.user) FROM taskq_users WHERE name = ?").bind([.text(name)])
            return try select.step() ? UserColumns.decodeUser(SQLiteSQL.Row(statement: select)) : nil
        }
    }

    public func users() async throws -> [UserRecord] {
        try await connection.run { db in
            let select = try db.prepare("SELECT \(UserColumns.user) FROM taskq_users ORDER BY id")
            var users: [UserRecord] = []
            while try select.step() { users.append(UserColumns.decodeUser(SQLiteSQL.Row(statement: select))) }
            return users
        }
    }

    public func removeUser(named name: String) async throws -> Int? {
        try await connection.run { db in
            try db.writeTransaction {
                let tokens = try db.prepare("""
                    SELECT count(t.id) FROM taskq_users u LEFT JOIN taskq_tokens t ON t.user_id = u.id WHERE u.name = ? GROUP BY u.id
                    """).bind([.text(name)])
                guard try tokens.step() else { return nil }
                let revoked = Int(tokens.int(0))
                try db.prepare("DELETE FROM taskq_tokens WHERE user_id = (SELECT id FROM taskq_users WHERE name = ?)").bind([.text(name)]).run()
                try db.prepare("DELETE FROM taskq_users WHERE name = ?").bind([.text(name)]).run()
                return revoked
            }
        }
    }

    public func setPasswordHash(_ hash: PasswordHash, forUser name: String, now: Millis) async throws -> Bool {
        try await connection.run { db in
            try db.writeTransaction {
                try db.prepare("UPDATE taskq_users SET password_hash = ?, updated_at = ? WHERE name = ?")
                    .bind([.text(hash.encoded), .int(now), .text(name)]).run()
                return db.changes == 1
            }
        }
    }

    public func recordLogin(user name: String, now: Millis) async throws -> Bool {
        try await connection.run { db in
            try db.writeTransaction {
                try db.prepare("UPDATE taskq_users SET last_login_at = ? WHERE name = ?").bind([.int(now), .text(name)]).run()
                return db.changes == 1
            }
        }
    }

    public func addToken(_ token: NewToken, now: Millis) async throws -> TokenRecord? {
        try await connection.run { db in
            try db.writeTransaction {
                try db.prepare("""
                    INSERT INTO taskq_tokens (user_id, name, token_hash, created_at, expires_at)
                    SELECT id, ?, ?, ?, ? FROM taskq_users WHERE name = ?
                    """).bind([.optional(token.name), .text(token.hash), .int(now), .optional(token.expiresAt), .text(token.user)]).run()
                guard db.changes == 1 else { return nil }
                return TokenRecord(id: db.lastInsertRowID, user: token.user, name: token.name, hash: token.hash, createdAt: now,
                                   expiresAt: token.expiresAt, lastUsedAt: nil)
            }
        }
    }

    public func tokens(user: String?) async throws -> [TokenRecord] {
        try await connection.run { db in
            let select = try db.prepare("""
                SELECT \(UserColumns.token) FROM taskq_tokens t JOIN taskq_users u ON u.id = t.user_id
                WHERE ?1 IS NULL OR u.name = ?1 ORDER BY t.id
                """).bind([.optional(user)])
            var tokens: [TokenRecord] = []
            while try select.step() { tokens.append(UserColumns.decodeToken(SQLiteSQL.Row(statement: select))) }
            return tokens
        }
    }

    public func token(hash: String) async throws -> (token: TokenRecord, user: UserRecord)? {
        try await connection.run { db in
            let select = try db.prepare("""
                SELECT \(UserColumns.token), \(UserColumns.userOfToken)
                FROM taskq_tokens t JOIN taskq_users u ON u.id = t.user_id WHERE t.token_hash = ?
                """).bind([.text(hash)])
            guard try select.step() else { return nil }
            let row = SQLiteSQL.Row(statement: select)
            return (UserColumns.decodeToken(row), UserColumns.decodeUser(row, from: 7))
        }
    }

    public func revokeToken(id: Int64) async throws -> Bool {
        try await connection.run { db in
            try db.writeTransaction {
                try db.prepare("DELETE FROM taskq_tokens WHERE id = ?").bind([.int(id)]).run()
                return db.changes == 1
            }
        }
    }

    public func recordTokenUse(id: Int64, now: Millis) async throws -> Bool {
        try await connection.run { db in
            try db.writeTransaction {
                try db.prepare("UPDATE taskq_tokens SET last_used_at = ? WHERE id = ?").bind([.int(now), .int(id)]).run()
                return db.changes == 1
            }
        }
    }
}
