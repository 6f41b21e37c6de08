#if canImport(Glibc)
import Glibc
#endif

/// A named time zone's UTC offsets, read from the system tz database (the TZif files of Debian's `tzdata` under
/// `/usr/share/zoneinfo`, or `$TZDIR`): the transition table, then the file's POSIX rule for later years.
/// Foundation's `TimeZone` needs ICU for named zones, which a statically linked taskq cannot resolve.
public struct ZoneRules: Sendable, Equatable {
    public let identifier: String
    /// UTC seconds at which the offset changes, ascending.
    let transitions: [Int64]
    /// The offset (seconds east of UTC) in force from each transition on.
    let offsets: [Int32]
    /// The offset before the first transition.
    let initialOffset: Int32
    /// Offsets after the last transition.
    let rule: PosixZoneRule?

    public static let utc = ZoneRules(identifier: "UTC", transitions: [], offsets: [], initialOffset: 0, rule: nil)

    /// Loaded zones, and nil for names that failed (so a bad stored name does not hit the disk at every look).
    private static let cache = Locked([String: ZoneRules?]())

    /// Loads a zone by IANA name (`Europe/Berlin`); `UTC` needs no file. Throws `TaskqError.usage` for an unknown
    /// name.
    public static func named(_ identifier: String) throws -> ZoneRules {
        if ["UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z", "Zulu", "Universal"].contains(identifier) { return .utc }
        let directory = getenv("TZDIR").map { String(cString: $0) } ?? "/usr/share/zoneinfo"
        let unknown = TaskqError.usage("unknown time zone '\(TerminalText.escaped(identifier))': use an IANA name such as Europe/Berlin or America/New_York (from \(directory))")
        if let known = cache.withLock({ $0[identifier] }) {
            guard let known else { throw unknown }
            return known
        }
        let valid = !identifier.isEmpty && !identifier.hasPrefix("/") && !identifier.contains("..")
            && identifier.allSatisfy { $0.isLetter || $0.isNumber || "/_-+".contains($0) }
        let zone = valid ? FileBytes.read(path: "\(directory)/\(identifier)", limit: 1 << 20).flatMap { parse($0, identifier: identifier) } : nil
        cache.withLock { $0[identifier] = .some(zone) }
        guard let zone else { throw unknown }
        return zone
    }

    /// Seconds east of UTC in force at `utcSeconds`.
    public func offset(atSeconds utcSeconds: Int64) -> Int {
        if let last = transitions.last, utcSeconds >= last, let rule {
            return rule.offset(atSeconds: utcSeconds)
        }
        guard let first = transitions.first, utcSeconds >= first else {
            return Int(transitions.isEmpty ? (rule?.offset(atSeconds: utcSeconds) ?? Int(initialOffset)) : Int(initialOffset))
        }
        var low = 0, high = transitions.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if transitions[mid] <= utcSeconds { low = mid } else { high = mid - 1 }
        }
        return Int(offsets[low])
    }

    // MARK: TZif (RFC 8536)

    private static func parse(_ b: [UInt8], identifier: String) -> ZoneRules? {
        func u32(_ at: Int) -> Int? {
            guard at + 4 <= b.count else { return nil }
            return Int(b[at]) << 24 | Int(b[at + 1]) << 16 | Int(b[at + 2]) << 8 | Int(b[at + 3])
        }
        func i64(_ at: Int) -> Int64 {
            var v: UInt64 = 0
            for k in 0..<8 { v = v << 8 | UInt64(b[at + k]) }
            return Int64(bitPattern: v)
        }
        guard b.count >= 44, b[0] == 0x54, b[1] == 0x5A, b[2] == 0x69, b[3] == 0x66 else { return nil }
        let version = b[4]
        func counts(_ at: Int) -> (isut: Int, isstd: Int, leap: Int, time: Int, type: Int, char: Int)? {
            guard let a = u32(at + 20), let s = u32(at + 24), let l = u32(at + 28), let t = u32(at + 32),
                  let y = u32(at + 36), let c = u32(at + 40) else { return nil }
            return (a, s, l, t, y, c)
        }
        guard var c = counts(0) else { return nil }
        var at = 44
        var timeSize = 4
        if version >= 0x32 { // '2' or later: skip the 32-bit block, read the 64-bit one
            at += c.time * 4 + c.time + c.type * 6 + c.char + c.leap * 8 + c.isstd + c.isut
            guard let c2 = counts(at) else { return nil }
            c = c2
            at += 44
            timeSize = 8
        }
        let dataEnd = at + c.time * timeSize + c.time + c.type * 6 + c.char + c.leap * (timeSize + 4) + c.isstd + c.isut
        guard c.type > 0, dataEnd <= b.count else { return nil }
        var transitions: [Int64] = []
        for k in 0..<c.time {
            transitions.append(timeSize == 8 ? i64(at + k * 8) : Int64(Int32(truncatingIfNeeded: u32(at + k * 4) ?? 0)))
        }
        at += c.time * timeSize
        let indices = Array(b[at..<(at + c.time)])
        at += c.time
        var typeOffsets: [Int32] = []
        for k in 0..<c.type { typeOffsets.append(Int32(truncatingIfNeeded: u32(at + k * 6) ?? 0)) }
        var offsets: [Int32] = []
        for index in indices {
            guard Int(index) < typeOffsets.count else { return nil }
            offsets.append(typeOffsets[Int(index)])
        }
        var rule: PosixZoneRule?
        if timeSize == 8, dataEnd < b.count, b[dataEnd] == 0x0A, let close = b[(dataEnd + 1)...].firstIndex(of: 0x0A) {
            rule = PosixZoneRule(String(decoding: b[(dataEnd + 1)..<close], as: UTF8.self))
        }
        return ZoneRules(identifier: identifier, transitions: transitions, offsets: offsets, initialOffset: typeOffsets[0], rule: rule)
    }
}

/// The POSIX TZ string at the end of a TZif file (`CET-1CEST,M3.5.0,M10.5.0/3`): the offsets for years after the
/// transition table.
struct PosixZoneRule: Sendable, Equatable {
    let standardOffset: Int
    let daylightOffset: Int?
    let start: DayRule?
    let startTime: Int
    let end: DayRule?
    let endTime: Int

    enum DayRule: Sendable, Equatable {
        /// Month, week 1-5 (5 = last), weekday 0-6.
        case monthWeekDay(Int, Int, Int)
        /// Day 1-365, February 29 never counted.
        case julian(Int)
        /// Day 0-365, counting February 29.
        case zeroBased(Int)

        /// Days since 1970-01-01 of this day in `year`.
        func days(in year: Int) -> Int64 {
            switch self {
            case let .monthWeekDay(m, w, d):
                let first = CivilDate.weekday(year: year, month: m, day: 1)
                var day = 1 + (d - first + 7) % 7 + (w - 1) * 7
                while day > CivilDate.daysInMonth(year: year, month: m) { day -= 7 }
                return CivilDate.days(year: year, month: m, day: day)
            case let .julian(n):
                let jan1 = CivilDate.days(year: year, month: 1, day: 1)
                return jan1 + Int64(n - 1) + (CivilDate.isLeap(year) && n >= 60 ? 1 : 0)
            case let .zeroBased(n):
                return CivilDate.days(year: year, month: 1, day: 1) + Int64(n)
            }
        }
    }

    init?(_ text: String) {
        var s = Substring(text)
        func name() -> Bool {
            if s.first == "<" {
                guard let close = s.firstIndex(of: ">") else { return false }
                s = s[s.index(after: close)...]
                return true
            }
            let letters = s.prefix { $0.isLetter }
            guard letters.count >= 3 else { return false }
            s = s.dropFirst(letters.count)
            return true
        }
        /// [+-]hh[:mm[:ss]] in seconds.
        func time() -> Int? {
            var sign = 1
            if s.first == "+" { s = s.dropFirst() } else if s.first == "-" { sign = -1; s = s.dropFirst() }
            var parts: [Int] = []
            while parts.count < 3 {
                let digits = s.prefix { $0.isNumber }
                guard !digits.isEmpty, let n = Int(digits) else { break }
                parts.append(n)
                s = s.dropFirst(digits.count)
                if s.first == ":" { s = s.dropFirst() } else { break }
            }
            guard !parts.isEmpty else { return nil }
            let secs = parts[0] * 3600 + (parts.count > 1 ? parts[1] * 60 : 0) + (parts.count > 2 ? parts[2] : 0)
            return sign * secs
        }
        func dayRule() -> DayRule? {
            if s.first == "M" {
                s = s.dropFirst()
                let fields = s.prefix { $0.isNumber || $0 == "." }.split(separator: ".").compactMap { Int($0) }
                s = s.dropFirst(s.prefix { $0.isNumber || $0 == "." }.count)
                guard fields.count == 3, (1...12).contains(fields[0]), (1...5).contains(fields[1]), (0...6).contains(fields[2]) else { return nil }
                return .monthWeekDay(fields[0], fields[1], fields[2])
            }
            let julian = s.first == "J"
            if julian { s = s.dropFirst() }
            let digits = s.prefix { $0.isNumber }
            guard let n = Int(digits) else { return nil }
            s = s.dropFirst(digits.count)
            return julian ? .julian(n) : .zeroBased(n)
        }
        guard name(), let std = time() else { return nil }
        standardOffset = -std
        guard !s.isEmpty else {
            daylightOffset = nil; start = nil; end = nil; startTime = 0; endTime = 0
            return
        }
        guard name() else { return nil }
        if s.first != "," && !s.isEmpty {
            guard let dst = time() else { return nil }
            daylightOffset = -dst
        } else {
            daylightOffset = -std + 3600
        }
        guard s.first == "," else { return nil }
        s = s.dropFirst()
        guard let startRule = dayRule() else { return nil }
        var st = 7200
        if s.first == "/" { s = s.dropFirst(); guard let t = time() else { return nil }; st = t }
        guard s.first == "," else { return nil }
        s = s.dropFirst()
        guard let endRule = dayRule() else { return nil }
        var et = 7200
        if s.first == "/" { s = s.dropFirst(); guard let t = time() else { return nil }; et = t }
        start = startRule; startTime = st; end = endRule; endTime = et
    }

    func offset(atSeconds utc: Int64) -> Int {
        guard let daylightOffset, let start, let end else { return standardOffset }
        let year = LocalTime(wallSeconds: utc + Int64(standardOffset)).year
        // Transition moments are given in local time: the start in standard time, the end in daylight time.
        let begins = start.days(in: year) * 86_400 + Int64(startTime - standardOffset)
        let ends = end.days(in: year) * 86_400 + Int64(endTime - daylightOffset)
        let inDaylight = begins < ends ? (utc >= begins && utc < ends) : (utc < ends || utc >= begins)
        return inDaylight ? daylightOffset : standardOffset
    }
}
