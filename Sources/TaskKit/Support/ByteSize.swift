/// Sizes in bytes as people write them: `1MiB`, `512KiB`, `64k`, `2MB`, `4096` (bytes).
/// Binary units (`KiB`, `MiB`, `GiB`, and `k`, `m`, `g` alone) are powers of 1024; decimal ones (`KB`, `MB`, `GB`)
/// powers of 1000. Units are case-insensitive; a space before the unit is allowed.
public enum ByteSize {
    /// The bytes, or nil when `text` is not a size (negative, fractional bytes, unknown unit, above 2^53).
    public static func bytes(_ text: String) -> Int? {
        let s = text.trimmingSpaces().lowercased()
        let digits = s.prefix { $0.isNumber || $0 == "." }
        guard !digits.isEmpty, let value = Double(digits), value >= 0, value.isFinite else { return nil }
        let unit = String(s.dropFirst(digits.count)).trimmingSpaces()
        let factor: Double
        switch unit {
        case "", "b": factor = 1
        case "k", "kib": factor = 1024
        case "m", "mib": factor = 1024 * 1024
        case "g", "gib": factor = 1024 * 1024 * 1024
        case "kb": factor = 1000
        case "mb": factor = 1_000_000
        case "gb": factor = 1_000_000_000
        default: return nil
        }
        let bytes = value * factor
        guard bytes <= 9_007_199_254_740_992, bytes == bytes.rounded() else { return nil }
        return Int(bytes)
    }

    /// Parses a size given as `option`; throws `TaskqError.usage` naming it.
    public static func require(_ text: String, option: String) throws -> Int {
        guard let bytes = bytes(text) else {
            throw TaskqError.usage("invalid \(option) '\(TerminalText.escaped(text))': expected a size such as 1MiB, 512KiB or 65536 (bytes)")
        }
        return bytes
    }

    /// `1 MiB`, `512 KiB`, `100 B`: the largest binary unit that divides the size, else bytes.
    public static func format(_ bytes: Int64) -> String {
        for (unit, size) in [("GiB", Int64(1) << 30), ("MiB", Int64(1) << 20), ("KiB", Int64(1) << 10)] where bytes >= size && bytes % size == 0 {
            return "\(bytes / size) \(unit)"
        }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }
}
