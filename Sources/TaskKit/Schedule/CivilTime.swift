/// Proleptic Gregorian calendar arithmetic on plain integers (no time zone, no Foundation).
enum CivilDate {
    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The calendar date of a day count since 1970-01-01.
    static func date(days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        return (Int(yoe + era * 400) + (month <= 2 ? 1 : 0), month, day)
    }

    /// 0 = Sunday … 6 = Saturday.
    static func weekday(year: Int, month: Int, day: Int) -> Int {
        let d = days(year: year, month: month, day: day)
        return Int(((d % 7) + 11) % 7) // 1970-01-01 was a Thursday (4)
    }
}

/// A wall-clock minute in some time zone: what a cron expression matches against.
struct LocalTime: Sendable, Equatable, Comparable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int

    /// Seconds since 1970-01-01T00:00 of this wall-clock time as if it were UTC.
    var wallSeconds: Int64 {
        CivilDate.days(year: year, month: month, day: day) * 86_400 + Int64(hour * 3600 + minute * 60)
    }

    init(year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        self.year = year; self.month = month; self.day = day; self.hour = hour; self.minute = minute
    }

    /// The wall-clock minute containing `wallSeconds` (seconds are dropped).
    init(wallSeconds: Int64) {
        let days = wallSeconds >= 0 ? wallSeconds / 86_400 : (wallSeconds - 86_399) / 86_400
        let rest = Int(wallSeconds - days * 86_400)
        let date = CivilDate.date(days: days)
        self.init(year: date.year, month: date.month, day: date.day, hour: rest / 3600, minute: rest % 3600 / 60)
    }

    func addingMinute() -> LocalTime { LocalTime(wallSeconds: wallSeconds + 60) }

    func startOfNextDay() -> LocalTime {
        let next = CivilDate.date(days: CivilDate.days(year: year, month: month, day: day) + 1)
        return LocalTime(year: next.year, month: next.month, day: next.day, hour: 0, minute: 0)
    }

    static func < (a: LocalTime, b: LocalTime) -> Bool { a.wallSeconds < b.wallSeconds }
}
