/// API tokens: `tq_` + 32 random bytes from the system's CSPRNG (`SystemRandomNumberGenerator`: getrandom(2) on
/// Linux), base64url without padding — 46 characters. Stored only as `hash`: SHA-256 in hex. A plain fast hash is
/// enough because a token carries 256 bits of randomness (unlike a password, it cannot be guessed from a list); it
/// keeps a copied database from holding usable tokens.
public enum APIToken {
    public static let prefix = "tq_"
    static let randomBytes = 32

    /// A new token and its hash. Show `secret` once; store only `hash`.
    public static func generate() -> (secret: String, hash: String) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<randomBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let secret = prefix + base64URL(bytes)
        return (secret, hash(secret))
    }

    /// SHA-256 of the token's UTF-8, lower-case hex (64 characters).
    public static func hash(_ token: String) -> String {
        Hex.encode(SHA256.digest(Array(token.utf8)))
    }

    /// True when `text` has a token's shape (prefix, length, alphabet); anything else is refused before a lookup.
    public static func looksLikeToken(_ text: String) -> Bool {
        guard text.hasPrefix(prefix) else { return false }
        let body = text.utf8.dropFirst(prefix.utf8.count)
        return body.count == 43 && body.allSatisfy { alphabet.contains($0) }
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// RFC 4648 §5 base64url, no padding.
    public static func base64URL(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i < bytes.count {
            let b0 = UInt32(bytes[i])
            let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
            let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
            let n = b0 << 16 | b1 << 8 | b2
            let chars = min(4, (bytes.count - i) * 4 / 3 + ((bytes.count - i) < 3 ? 1 : 0))
            for j in 0..<chars { out.append(alphabet[Int((n >> UInt32(18 - 6 * j)) & 63)]) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
