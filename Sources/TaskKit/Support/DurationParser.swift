/// Parses durations such as `90s`, `5m`, `2h`, `1d`, `250ms`, `1h30m` or a bare number of seconds.
public enum DurationParser {
    /// The longest duration accepted: 100 years of 365.25 days (36,525 days).
    public static let maxMillis: Millis = 36_525 * 86_400_000

    /// Milliseconds, or nil when the text is not a duration (or is longer than `maxMillis`).
    public static func millis(_ text: String) -> Millis? {
        guard let value = parse(text), value <= Double(maxMillis) else { return nil }
        return Millis(value.rounded())
    }

    /// Milliseconds as a Double (possibly beyond `maxMillis`), or nil when the text is not a duration. Numbers are
    /// plain decimals only: no sign, no exponent, no hexadecimal.
    private static func parse(_ text: String) -> Double? {
        let s = text.trimmingSpaces().lowercased()
        guard !s.isEmpty else { return nil }
        if s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) {
            guard let seconds = Double(s) else { return nil }
            return seconds * 1000
        }
        var total: Double = 0
        var number = ""
        var unit = ""
        var parsedAny = false
        func flush() -> Bool {
            guard let value = Double(number), value >= 0 else { return false }
            let factor: Double
            switch unit {
            case "ms": factor = 1
            case "s", "sec", "secs", "second", "seconds": factor = 1000
            case "m", "min", "mins", "minute", "minutes": factor = 60_000
            case "h", "hr", "hrs", "hour", "hours": factor = 3_600_000
            case "d", "day", "days": factor = 86_400_000
            case "w", "week", "weeks": factor = 604_800_000
            default: return false
            }
            total += value * factor
            number = ""; unit = ""; parsedAny = true
            return true
        }
        for ch in s {
            if (ch.isASCII && ch.isNumber) || ch == "." {
                if !unit.isEmpty { guard flush() else { return nil } }
                number.append(ch)
            } else if ch.isLetter {
                guard !number.isEmpty else { return nil }
                unit.append(ch)
            } else if ch == " " {
                continue
            } else {
                return nil
            }
        }
        guard !number.isEmpty, !unit.isEmpty, flush(), parsedAny, total.isFinite else { return nil }
        return total
    }

    /// Like `millis` but throws a usage error naming the option.
    public static func require(_ text: String, option: String) throws -> Millis {
        guard let value = millis(text) else {
            if let long = parse(text), long > Double(maxMillis) {
                throw TaskqError.usage("duration for \(option) is out of range: '\(TerminalText.escaped(text))' is longer than 100 years")
            }
            throw TaskqError.usage("invalid duration for \(option): '\(TerminalText.escaped(text))' (examples: 90s, 5m, 2h, 1d, 250ms)")
        }
        return value
    }

    /// `1500` → `1.5s`, `90000` → `1m30s`.
    public static func format(_ ms: Millis) -> String {
        if ms < 1000 { return "\(ms)ms" }
        if ms % 1000 != 0 && ms < 60_000 {
            let tenths = ms / 100
            return "\(tenths / 10).\(tenths % 10)s"
        }
        var seconds = ms / 1000
        var out = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60)] where seconds >= size {
            out += "\(seconds / size)\(unit)"
            seconds %= size
        }
        if seconds > 0 || out.isEmpty { out += "\(seconds)s" }
        return out
    }
}
