/// JSON shapes of `taskq user` and `taskq token` (docs/json.md#users-and-tokens). Neither carries a password, a
/// password hash or a token hash.
extension UserRecord {
    /// `{"id", "name", "email", "role", "created_at", "password_changed_at", "last_login_at"}`.
    public func jsonObject() -> JSONValue {
        .obj(("id", .int(id)), ("name", .string(name)), ("email", email.map { .string($0) } ?? .null), ("role", .string(role.rawValue)),
             ("created_at", .time(createdAt)), ("password_changed_at", .time(updatedAt)), ("last_login_at", .time(lastLoginAt)))
    }
}

extension TokenRecord {
    /// `{"id", "user", "name", "created_at", "expires_at", "last_used_at", "expired"}`.
    public func jsonObject(now: Millis) -> JSONValue {
        .obj(("id", .int(id)), ("user", .string(user)), ("name", name.map { .string($0) } ?? .null), ("created_at", .time(createdAt)),
             ("expires_at", .time(expiresAt)), ("last_used_at", .time(lastUsedAt)), ("expired", .bool(isExpired(now: now))))
    }
}
