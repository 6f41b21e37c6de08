/// A parsed 5-field cron expression: minute, hour, day of month, month, day of week.
///
/// Syntax: `*`, numbers, ranges `a-b`, lists `a,b,c`, steps `*/n`, `a-b/n` and `a/n` (a to the field's maximum);
/// months `jan`–`dec` and weekdays `sun`–`sat` by name (any case); weekday 0 and 7 are Sunday. As in Vixie cron,
/// when both day of month and day of week are restricted a day matches when either does.
public struct CronExpression: Sendable, Equatable {
    public let minutes: Set<Int>
    public let hours: Set<Int>
    public let daysOfMonth: Set<Int>
    public let months: Set<Int>
    /// 0 = Sunday … 6 = Saturday.
    public let daysOfWeek: Set<Int>
    let domRestricted: Bool
    let dowRestricted: Bool
    /// The hour field starts with `*` (`*`, `*/2`): the expression follows elapsed hours, so both occurrences of a
    /// repeated wall-clock hour fire (as in Vixie cron). A fixed hour fires once, at its first occurrence.
    let everyHour: Bool

    /// The five fields, in order, with their ranges and names (for error messages).
    static let fields: [(name: String, min: Int, max: Int, names: [String])] = [
        ("minute", 0, 59, []),
        ("hour", 0, 23, []),
        ("day-of-month", 1, 31, []),
        ("month", 1, 12, ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]),
        ("day-of-week", 0, 7, ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
    ]

    /// Parses the five fields. Throws `TaskqError.usage` naming the field and the offending text.
    public init(_ text: String) throws {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard parts.count == 5 else {
            throw TaskqError.usage("invalid cron expression '\(TerminalText.escaped(text))': expected 5 fields (minute hour day-of-month month day-of-week), got \(parts.count)")
        }
        var sets: [Set<Int>] = []
        for (index, part) in parts.enumerated() {
            let field = Self.fields[index]
            do {
                // Day of week runs to 7 (Sunday again), so `5/1` is Friday to Sunday, as in cronie; `*` starts at 0 and
                // so has Sunday either way.
                sets.append(try Self.parseField(part, min: field.min, max: field.max, names: field.names))
            } catch let CronFieldError.invalid(reason) {
                throw TaskqError.usage("invalid cron expression '\(TerminalText.escaped(text))': \(field.name) field '\(TerminalText.escaped(part))': \(reason)")
            }
        }
        minutes = sets[0]
        hours = sets[1]
        daysOfMonth = sets[2]
        months = sets[3]
        daysOfWeek = Set(sets[4].map { $0 % 7 })
        // As in Vixie cron, a field starting with `*` (`*`, `*/2`) counts as unrestricted for the either-or rule.
        domRestricted = !parts[2].hasPrefix("*") && !parts[2].hasPrefix("?")
        dowRestricted = !parts[4].hasPrefix("*") && !parts[4].hasPrefix("?")
        everyHour = parts[1].hasPrefix("*") || parts[1].hasPrefix("?")
        if !domRestricted || dowRestricted { return }
        // A day of month that no selected month has (30 2 *) can never fire.
        let longest = months.map { CivilDate.daysInMonth(year: 2000, month: $0) }.max() ?? 31
        if let first = daysOfMonth.min(), first > longest {
            throw TaskqError.usage("invalid cron expression '\(TerminalText.escaped(text))': day-of-month field '\(TerminalText.escaped(parts[2]))': no selected month has day \(first), so it never fires")
        }
    }

    /// Whether a calendar day matches the day-of-month, month and day-of-week fields.
    func matchesDay(year: Int, month: Int, day: Int) -> Bool {
        guard months.contains(month) else { return false }
        let dom = daysOfMonth.contains(day)
        let dow = daysOfWeek.contains(CivilDate.weekday(year: year, month: month, day: day))
        if domRestricted && dowRestricted { return dom || dow }
        return dom && dow
    }

    /// The first wall-clock minute strictly after `after` that matches, or nil within `yearsAhead` years.
    func nextWallTime(after: LocalTime, yearsAhead: Int = 30) -> LocalTime? {
        var t = after.addingMinute()
        let limit = after.year + yearsAhead
        while t.year <= limit {
            if !months.contains(t.month) {
                t = LocalTime(year: t.month == 12 ? t.year + 1 : t.year, month: t.month % 12 + 1, day: 1, hour: 0, minute: 0)
                continue
            }
            if !matchesDay(year: t.year, month: t.month, day: t.day) {
                t = t.startOfNextDay()
                continue
            }
            guard let hour = hours.filter({ $0 >= t.hour }).min() else { t = t.startOfNextDay(); continue }
            if hour > t.hour { t = LocalTime(year: t.year, month: t.month, day: t.day, hour: hour, minute: 0) }
            guard let minute = minutes.filter({ $0 >= t.minute }).min() else {
                t = t.hour == 23 ? t.startOfNextDay() : LocalTime(year: t.year, month: t.month, day: t.day, hour: t.hour + 1, minute: 0)
                continue
            }
            return LocalTime(year: t.year, month: t.month, day: t.day, hour: t.hour, minute: minute)
        }
        return nil
    }

    private enum CronFieldError: Error { case invalid(String) }

    private static func parseField(_ text: String, min: Int, max: Int, names: [String]) throws -> Set<Int> {
        let nameBase = min
        guard !text.isEmpty else { throw CronFieldError.invalid("empty") }
        var values = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !item.isEmpty else { throw CronFieldError.invalid("empty list item") }
            var rangeText = item
            var step = 1
            if let slash = item.firstIndex(of: "/") {
                rangeText = String(item[..<slash])
                let stepText = String(item[item.index(after: slash)...])
                guard let s = Int(stepText), s > 0 else { throw CronFieldError.invalid("step '\(TerminalText.escaped(stepText))' must be a positive number") }
                guard s <= max else { throw CronFieldError.invalid("step \(s) is larger than the field's range \(min)-\(max)") }
                step = s
            }
            let low: Int, high: Int
            if rangeText == "*" || rangeText == "?" {
                low = min; high = max
            } else if let dash = rangeText.firstIndex(of: "-") {
                guard dash != rangeText.startIndex, rangeText.index(after: dash) != rangeText.endIndex else {
                    throw CronFieldError.invalid("a range needs a value on both sides of '-'")
                }
                low = try value(String(rangeText[..<dash]), min: min, max: max, names: names, nameBase: nameBase)
                high = try value(String(rangeText[rangeText.index(after: dash)...]), min: min, max: max, names: names, nameBase: nameBase)
                guard low <= high else { throw CronFieldError.invalid("range \(rangeText) runs backwards") }
            } else {
                guard !rangeText.isEmpty else { throw CronFieldError.invalid("a step needs a start: use */n or a/n") }
                low = try value(rangeText, min: min, max: max, names: names, nameBase: nameBase)
                high = item.contains("/") ? max : low
            }
            values.formUnion(stride(from: low, through: high, by: step))
        }
        return values
    }

    private static func value(_ text: String, min: Int, max: Int, names: [String], nameBase: Int) throws -> Int {
        if let n = Int(text) {
            guard n >= min && n <= max else { throw CronFieldError.invalid("\(n) is out of range \(min)-\(max)") }
            return n
        }
        if let index = names.firstIndex(of: text.lowercased()) { return index + nameBase }
        if names.isEmpty { throw CronFieldError.invalid("'\(TerminalText.escaped(text))' is not a number") }
        throw CronFieldError.invalid("'\(TerminalText.escaped(text))' is not a number or one of \(names.joined(separator: ","))")
    }
}
