/// The user and token columns both SQL stores select, in one order, and the one decoder for each.
enum UserColumns {
    static let user = "id, name, email, role, password_hash, created_at, updated_at, last_login_at"
    /// Token columns with the owner's name; the query joins `taskq_tokens t` with `taskq_users u`.
    static let token = "t.id, u.name, t.name, t.token_hash, t.created_at, t.expires_at, t.last_used_at"
    /// `user` qualified by the `u` alias, for the token-and-owner query.
    static let userOfToken = user.split(separator: ", ").map { "u." + $0 }.joined(separator: ", ")

    /// Decodes the `user` columns starting at column `c`.
    static func decodeUser(_ row: SQLRow, from c: Int = 0) -> UserRecord {
        UserRecord(id: row.int(c), name: row.text(c + 1), email: row.optionalText(c + 2),
                   role: UserRole(rawValue: row.text(c + 3)) ?? .viewer, passwordHash: PasswordHash(encoded: row.text(c + 4)),
                   createdAt: row.int(c + 5), updatedAt: row.int(c + 6), lastLoginAt: row.optionalInt(c + 7))
    }

    /// Decodes the `token` columns (the first seven).
    static func decodeToken(_ row: SQLRow) -> TokenRecord {
        TokenRecord(id: row.int(0), user: row.text(1), name: row.optionalText(2), hash: row.text(3), createdAt: row.int(4),
                    expiresAt: row.optionalInt(5), lastUsedAt: row.optionalInt(6))
    }
}
