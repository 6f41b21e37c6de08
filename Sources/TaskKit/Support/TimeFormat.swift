#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ISO 8601 formatting and the time formats `--schedule-at` accepts.
public enum TimeFormat {
    /// `2026-11-22T19:45:34.123Z`.
    public static func iso8601(_ ms: Millis) -> String {
        stamp(seconds: ms >= 0 ? ms / 1000 : (ms - 999) / 1000, fraction: ms, scale: 1000, digits: 3)
    }

    /// `2026-11-22T19:45:34.123456Z`: log records, so that intervals below a millisecond show.
    public static func iso8601Micros(_ us: Int64) -> String {
        stamp(seconds: us >= 0 ? us / 1_000_000 : (us - 999_999) / 1_000_000, fraction: us, scale: 1_000_000, digits: 6)
    }

    /// UTC by calendar arithmetic (`LocalTime`, as if a UTC wall clock), not `gmtime_r`: glibc reads /etc/localtime
    /// the first time any of its time conversions runs, which a process's first log record would otherwise pay for.
    private static func stamp(seconds whole: Int64, fraction value: Int64, scale: Int64, digits: Int) -> String {
        let fraction = Int(value - whole * scale)
        let t = LocalTime(wallSeconds: whole)
        let second = Int(whole - t.wallSeconds)
        return "\(pad(t.year, 4))-\(pad(t.month, 2))-\(pad(t.day, 2))T"
            + "\(pad(t.hour, 2)):\(pad(t.minute, 2)):\(pad(second, 2)).\(pad(fraction, digits))Z"
    }

    /// `2026-11-22 19:45:34` in UTC, for tables.
    public static func short(_ ms: Millis) -> String {
        let full = iso8601(ms)
        return String(full.prefix(19)).map { $0 == "T" ? " " : $0 }.reduce(into: "") { $0.append($1) }
    }

    /// Parses ISO 8601 with `Z` or an offset (`2026-11-22T10:00:00Z`, `…+01:00`, fractional seconds allowed),
    /// or `YYYY-MM-DD HH:MM[:SS]` / `YYYY-MM-DDTHH:MM[:SS]` without an offset as local time, or a bare date.
    /// Returns nil when the text is none of these.
    public static func parse(_ text: String) -> Millis? {
        let s = Array(text.trimmingSpaces().utf8)
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= s.count else { return nil }
            var v = 0
            for k in 0..<digits {
                let c = s[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += digits
            return v
        }
        func expect(_ c: UInt8) -> Bool { if i < s.count && s[i] == c { i += 1; return true }; return false }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2) else { return nil }
        var hour = 0, minute = 0, second = 0, millis = 0
        var offsetSeconds: Int? = nil
        if i < s.count {
            guard s[i] == 84 || s[i] == 116 || s[i] == 32 else { return nil } // T, t, space
            i += 1
            guard let h = number(2), expect(58), let m = number(2) else { return nil }
            hour = h; minute = m
            if expect(58) { guard let sec = number(2) else { return nil }; second = sec }
            if expect(46) || expect(44) {
                var scale = 100, digits = 0
                while i < s.count, s[i] >= 48, s[i] <= 57 {
                    millis += Int(s[i] - 48) * scale; scale /= 10; i += 1; digits += 1
                }
                if digits == 0 { return nil }
            }
            if i < s.count {
                if s[i] == 90 || s[i] == 122 { i += 1; offsetSeconds = 0 } // Z
                else if s[i] == 43 || s[i] == 45 { // + -
                    let sign = s[i] == 45 ? -1 : 1
                    i += 1
                    // ±hh, ±hhmm or ±hh:mm, at most 23:59 (RFC 3339): +25:00 or +99:99 is a typo, not a time.
                    guard let oh = number(2), oh <= 23 else { return nil }
                    let om = expect(58) ? number(2) : (i < s.count ? number(2) : 0)
                    guard let om, om <= 59 else { return nil }
                    offsetSeconds = sign * (oh * 3600 + om * 60)
                } else { return nil }
            }
            guard i == s.count else { return nil }
        }
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute),
              (0...60).contains(second) else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900); parts.tm_mon = Int32(month - 1); parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour); parts.tm_min = Int32(minute); parts.tm_sec = Int32(second)
        let epoch: Int
        if let offsetSeconds {
            epoch = Int(timegm(&parts)) - offsetSeconds
        } else if let first = earliestLocal(parts) {
            epoch = first
        } else {
            // Not a wall-clock time that happens (a day that does not exist, or the hour skipped when clocks go
            // forward): mktime normalises it, and the check below refuses another day.
            parts.tm_isdst = -1
            epoch = Int(mktime(&parts))
        }
        // Reject dates that normalised to another day (e.g. Feb 30).
        guard parts.tm_mday == Int32(day), parts.tm_mon == Int32(month - 1) else { return nil }
        return Millis(epoch) * 1000 + Millis(millis)
    }

    /// The first instant whose local wall-clock time is `parts` (a time in the hour that happens twice when clocks
    /// go back is its first occurrence, as a cron tick's is), or nil when no instant has it.
    private static func earliestLocal(_ parts: tm) -> Int? {
        var found: Int?
        for dst: Int32 in [0, 1] {
            var candidate = parts
            candidate.tm_isdst = dst
            var instant = mktime(&candidate)
            var back = tm()
            guard localtime_r(&instant, &back) != nil, back.tm_isdst == dst, back.tm_year == parts.tm_year, back.tm_mon == parts.tm_mon,
                  back.tm_mday == parts.tm_mday, back.tm_hour == parts.tm_hour, back.tm_min == parts.tm_min, back.tm_sec == parts.tm_sec
            else { continue }
            found = min(found ?? Int(instant), Int(instant))
        }
        return found
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
