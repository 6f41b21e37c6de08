/// Exact JSON numbers: parsed text rewritten in plain decimal notation without changing a digit.
enum JSONNumber {
    /// `text` (a valid JSON number) with any exponent written out: `1.5e3` → `1500`, `2E-3` → `0.002`,
    /// `1.0` → `1.0`. Digits are never rounded.
    /// A written-out exponent adds at most this many digits; beyond it (`1e-5000`, which a Double reads as 0) the
    /// number is refused rather than spelled out with thousands of zeros.
    static let maxExponent = 1_000

    /// `plain(text)`, or nil when its exponent is beyond ±`maxExponent` and its digits are not all zero (a zero
    /// with any exponent is `0`).
    static func plainIfBounded(_ text: String) -> String? {
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
        let exponent = Int(text[text.index(after: e)...].replacing("+", with: ""))
        if let exponent, abs(exponent) <= maxExponent { return plain(text) }
        return text[..<e].allSatisfy { $0 == "0" || $0 == "." || $0 == "-" } ? "0" : nil
    }

    static func plain(_ text: String) -> String {
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
        let exponent = Int(text[text.index(after: e)...].replacing("+", with: "")) ?? 0
        precondition(abs(exponent) <= maxExponent, "plain() of an unbounded exponent: use plainIfBounded")
        var mantissa = Substring(text[..<e])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa = mantissa.dropFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        var digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
        var point = parts[0].count + exponent
        if point <= 0 {
            digits = String(repeating: "0", count: 1 - point) + digits
            point = 1
        } else if point > digits.count {
            digits += String(repeating: "0", count: point - digits.count)
        }
        var whole = String(digits.prefix(point))
        let fraction = String(digits.dropFirst(point))
        while whole.count > 1 && whole.hasPrefix("0") { whole.removeFirst() }
        // A zero has no sign (`-0e5` is `0`), so writing the number out and reading it again gives the same text.
        let isZero = whole == "0" && fraction.allSatisfy { $0 == "0" }
        return (negative && !isZero ? "-" : "") + whole + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// True when either text has more significant digits than a Double holds, so equal Doubles do not mean
    /// equal numbers.
    static func isBeyondDouble(_ a: String, _ b: String) -> Bool {
        [a, b].contains { $0.filter(\.isNumber).drop { $0 == "0" }.count > 15 }
    }
}
