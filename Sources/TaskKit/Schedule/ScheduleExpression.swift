/// When a schedule fires: a cron expression evaluated on the wall clock of a time zone, or a fixed interval.
///
/// Cron expressions follow the zone's clock across daylight saving changes. A wall-clock time that occurs twice
/// (clocks set back) fires once, at its first occurrence, when the hour field is fixed (`30 2 * * *`); with `*` in
/// the hour field (`*/5 * * * *`, `@hourly`) both occurrences fire, as in Vixie cron. A time that
/// does not occur (clocks set forward) fires at the moment the clocks jump, so no fire is lost. `@every DURATION` fires at whole multiples of the interval since
/// 1970-01-01T00:00Z, whatever the zone, so every beat process agrees on the ticks.
public struct ScheduleExpression: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case cron(CronExpression)
        case every(Millis)
    }

    /// The expression as written.
    public let text: String
    public let kind: Kind
    public let zone: ZoneRules

    /// The shortest `@every` interval.
    public static let minimumInterval: Millis = 1000

    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// Parses `text` in the zone named `timeZone`. Throws `TaskqError.usage` with a message naming the problem (and
    /// the cron field at fault).
    public init(_ text: String, timeZone: String = "UTC") throws {
        let trimmed = text.trimmingSpaces()
        self.text = trimmed
        zone = try ZoneRules.named(timeZone)
        if trimmed.hasPrefix("@") {
            let words = trimmed.split(separator: " ", maxSplits: 1).map(String.init)
            let macro = words[0].lowercased()
            if macro == "@every" {
                guard words.count == 2, let ms = DurationParser.millis(words[1]) else {
                    throw TaskqError.usage("invalid schedule '\(TerminalText.escaped(trimmed))': @every needs a duration such as 30s, 5m, 2h or 1d")
                }
                guard ms >= Self.minimumInterval else {
                    throw TaskqError.usage("invalid schedule '\(TerminalText.escaped(trimmed))': the interval must be at least 1s")
                }
                kind = .every(ms)
                return
            }
            guard words.count == 1, let expansion = Self.macros[macro] else {
                throw TaskqError.usage("invalid schedule '\(TerminalText.escaped(trimmed))': unknown macro (use @hourly, @daily, @weekly, @monthly, @yearly or @every DURATION)")
            }
            kind = .cron(try CronExpression(expansion))
            return
        }
        kind = .cron(try CronExpression(trimmed))
        if nextFire(after: Clock.now()) == nil {
            throw TaskqError.usage("invalid schedule '\(TerminalText.escaped(trimmed))': it never fires in the next 30 years")
        }
    }

    /// The first fire strictly after `after`, or nil when there is none within 30 years.
    public func nextFire(after: Millis) -> Millis? {
        switch kind {
        case let .every(interval):
            return (Self.floorDiv(after, interval) + 1) * interval
        case let .cron(cron):
            let seconds = Self.floorDiv(after, 1000)
            let offsets = [seconds - 86_400, seconds, seconds + 86_400].map { Int64(zone.offset(atSeconds: $0)) }
            let (lowest, highest) = (offsets.min() ?? 0, offsets.max() ?? 0)
            // Around a change the wall clock is not monotonic: start from the earliest wall time that can map after
            // `after`, and stop once no later wall time can map before the best instant found.
            var local = LocalTime(wallSeconds: seconds + lowest)
            var best: Millis?
            for _ in 0..<2000 {
                guard let wall = cron.nextWallTime(after: local) else { break }
                if let best, (wall.wallSeconds - highest) * 1000 > best { break }
                for instant in instants(for: wall, bothOccurrences: cron.everyHour) where instant * 1000 > after {
                    best = min(best ?? .max, instant * 1000)
                }
                if best != nil && lowest == highest { break }
                local = wall
            }
            return best
        }
    }

    /// The next `count` fires after `after`.
    public func fires(after: Millis, count: Int) -> [Millis] {
        var out: [Millis] = []
        var t = after
        while out.count < count, let next = nextFire(after: t) { out.append(next); t = next }
        return out
    }

    /// How many fires fall in `(after, through]`, counting at most `limit`.
    public func fireCount(after: Millis, through: Millis, limit: Int = 10_000) -> Int {
        if case let .every(interval) = kind {
            return Int(max(0, min(Int64(limit), Self.floorDiv(through, interval) - Self.floorDiv(after, interval))))
        }
        var n = 0
        var t = after
        while n < limit, let next = nextFire(after: t), next <= through { n += 1; t = next }
        return n
    }

    /// The latest fire in `(lower, upper]`, or nil when none falls in it.
    public func latestFire(after lower: Millis, notAfter upper: Millis) -> Millis? {
        guard upper > lower else { return nil }
        if case let .every(interval) = kind {
            let last = Self.floorDiv(upper, interval) * interval
            return last > lower ? last : nil
        }
        // Look back over growing windows so a long-missed sparse schedule and a dense one both cost few steps.
        var span: Millis = 3_600_000
        while true {
            let from = max(lower, upper - span)
            var t = from
            var last: Millis?
            while let next = nextFire(after: t), next <= upper { last = next; t = next }
            if let last { return last }
            if from == lower { return nil }
            span = span > Millis.max / 32 ? Millis.max / 2 : span * 16
        }
    }

    /// The UTC seconds at which `wall` fires: its first occurrence (both with `bothOccurrences`) when the clocks were
    /// set back, the moment the clocks jumped when it was skipped.
    func instants(for wall: LocalTime, bothOccurrences: Bool) -> [Int64] {
        let ws = wall.wallSeconds
        let before = Int64(zone.offset(atSeconds: ws - 86_400))
        let after = Int64(zone.offset(atSeconds: ws + 86_400))
        var candidates: [Int64] = []
        for offset in Set([before, after]) where Int64(zone.offset(atSeconds: ws - offset)) == offset {
            candidates.append(ws - offset)
        }
        if !candidates.isEmpty { return bothOccurrences ? candidates.sorted() : [candidates.min() ?? 0] }
        guard after > before else { return [ws - before] }
        // Skipped: find the transition between the two readings by bisection.
        var low = ws - after, high = ws - before
        while high - low > 1 {
            let mid = low + (high - low) / 2
            if Int64(zone.offset(atSeconds: mid)) == before { low = mid } else { high = mid }
        }
        return [high]
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
