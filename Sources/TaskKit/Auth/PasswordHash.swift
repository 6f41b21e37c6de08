import HummingbirdBcrypt

/// A password's slow salted hash as stored: bcrypt in modular crypt format, `$2b$COST$` + 22 characters of salt +
/// 31 of hash. Algorithm, cost and salt travel with it, so `PasswordHasher.cost` can be raised later and old hashes
/// still verify (`needsRehash`). Its description never shows the text, so it cannot leak into a log line.
public struct PasswordHash: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The stored text.
    public let encoded: String

    public init(encoded: String) { self.encoded = encoded }

    /// The bcrypt cost (log2 of the rounds), or nil when the text is not a bcrypt hash.
    public var cost: Int? {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, ["2a", "2b", "2y"].contains(parts[1]), parts[3].utf8.count == 53 else { return nil }
        return Int(parts[2])
    }

    public var description: String { "PasswordHash(bcrypt, redacted)" }
    public var debugDescription: String { description }
}

/// Hashes and verifies passwords with bcrypt (OpenBSD's implementation, through hummingbird-auth's
/// `HummingbirdBcrypt`). bcrypt looks only at the first 72 bytes of a password, so `CredentialRules` refuses longer
/// ones rather than let them be cut silently.
public enum PasswordHasher {
    /// The work factor for new hashes: 2^12 rounds, about a quarter of a second here (OWASP's floor is 10).
    public static let cost = 12

    /// A new hash of `password` with a fresh random salt (from the system's CSPRNG). Slow on purpose: run it off the
    /// cooperative pool (`hashOffPool`) in a server.
    public static func hash(_ password: String, cost: Int = PasswordHasher.cost) -> PasswordHash {
        PasswordHash(encoded: Bcrypt.hash(password, cost: UInt8(cost)))
    }

    /// True when `password` is the one `hash` was made from. A malformed hash verifies nothing. bcrypt recomputes the
    /// hash with the stored salt and compares the results; the bytes compared are bcrypt outputs under a salt the
    /// caller never sees, so where they first differ tells an attacker nothing they could steer.
    public static func verify(_ password: String, against hash: PasswordHash) -> Bool {
        guard hash.cost != nil, !password.utf8.contains(0) else { return false }
        return Bcrypt.verify(password, hash: hash.encoded)
    }

    /// True when `hash` was made with a lower cost than today's (or is not bcrypt): hash the password again after
    /// the next successful login.
    public static func needsRehash(_ hash: PasswordHash) -> Bool {
        (hash.cost ?? 0) < cost
    }

    /// `hash` on a thread of its own, never blocking Swift's cooperative pool (`offPool`).
    public static func hashOffPool(_ password: String) async throws -> PasswordHash {
        try await offPool { hash(password) }
    }

    /// `verify` on a thread of its own (`offPool`).
    public static func verifyOffPool(_ password: String, against hash: PasswordHash) async throws -> Bool {
        try await offPool { verify(password, against: hash) }
    }

    /// Two bcrypt runs at a time in this process (about 8 logins a second), each on a thread of its own; with 32
    /// more waiting, `TaskqError.temporary` (a server answers 503 with `Retry-After`).
    static let checks = PasswordCheckLimit(capacity: 2, maxWaiting: 32)

    /// `offPool`'s refusal when too many checks wait (a server tells the login so, not a store problem).
    public static let busy = TaskqError.temporary("too many logins at once: try again in a second")

    static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        guard await checks.acquire() else { throw busy }
        let value = await BlockingThread.run(work)
        await checks.release()
        return value
    }

    /// A hash of a random password, verified against when a login names an unknown user, so the answer takes as
    /// long as for a known one (no user enumeration by timing).
    static let decoy: PasswordHash = hash(APIToken.generate().secret)
}
