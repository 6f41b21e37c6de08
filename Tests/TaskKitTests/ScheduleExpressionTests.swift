import Testing
@testable import TaskKit

/// Milliseconds of a UTC time written as ISO 8601 (test helper).
func utc(_ text: String) -> Millis {
    guard let ms = TimeFormat.parse(text) else { fatalError("bad test time \(text)") }
    return ms
}

@Suite("Cron parsing and next fire times")
struct ScheduleExpressionTests {
    @Test func fieldsRangesListsStepsAndNames() throws {
        let cron = try CronExpression("*/15 9-17 * jan,JUL mon-FRI")
        #expect(cron.minutes == [0, 15, 30, 45])
        #expect(cron.hours == Set(9...17))
        #expect(cron.months == [1, 7])
        #expect(cron.daysOfWeek == Set(1...5))
        #expect(try CronExpression("5/20 * * * *").minutes == [5, 25, 45])
        #expect(try CronExpression("0 0 * * 7").daysOfWeek == [0])
        #expect(try CronExpression("0 0 * * 5-7").daysOfWeek == [5, 6, 0])
        #expect(try CronExpression("1,2,10-12/2 * * * *").minutes == [1, 2, 10, 12])
        #expect(try CronExpression("0 0 * * 1/2").daysOfWeek == [1, 3, 5, 0]) // a/n runs to the field's end, 7 (Sunday), as in cronie
        #expect(try CronExpression("0 0 * * */3").daysOfWeek == [0, 3, 6])
    }

    @Test(arguments: [
        ("61 * * * *", "minute field '61': 61 is out of range 0-59"),
        ("* 24 * * *", "hour field '24': 24 is out of range 0-23"),
        ("* * 0 * *", "day-of-month field '0': 0 is out of range 1-31"),
        ("* * * 13 *", "month field '13': 13 is out of range 1-12"),
        ("* * * * 8", "day-of-week field '8': 8 is out of range 0-7"),
        ("* * * foo *", "month field 'foo': 'foo' is not a number or one of jan,"),
        ("* * * * funday", "day-of-week field 'funday'"),
        ("*/0 * * * *", "minute field '*/0': step '0' must be a positive number"),
        ("5-1 * * * *", "minute field '5-1': range 5-1 runs backwards"),
        ("1,,2 * * * *", "minute field '1,,2': empty list item"),
        ("5- * * * *", "minute field '5-': a range needs a value on both sides"),
        ("/5 * * * *", "minute field '/5': a step needs a start"),
        ("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4"),
        ("* * * * * *", "expected 5 fields"),
        ("0 0 30 2 *", "day-of-month field '30': no selected month has day 30"),
        ("@fortnightly", "unknown macro"),
        ("@every", "@every needs a duration"),
        ("@every soon", "@every needs a duration"),
        ("@every 500ms", "at least 1s"),
    ])
    func invalidExpressionsNameTheField(text: String, message: String) {
        do {
            _ = try ScheduleExpression(text)
            Issue.record("'\(text)' was accepted")
        } catch let error as TaskqError {
            #expect(error.exitCode == 64)
            #expect(error.description.contains(message), "\(error.description)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func unknownTimeZoneIsAUsageError() {
        #expect(throws: TaskqError.self) { try ScheduleExpression("@daily", timeZone: "Mars/Olympus_Mons") }
        #expect(throws: TaskqError.self) { try ScheduleExpression("@daily", timeZone: "../../etc/passwd") }
    }

    @Test func weekdaysInUTC() throws {
        let e = try ScheduleExpression("0 9 * * 1-5")
        // Friday 2026-11-20 10:00 → Monday 09:00.
        #expect(e.fires(after: utc("2026-11-20T10:00:00Z"), count: 2) == [utc("2026-11-23T09:00:00Z"), utc("2026-11-24T09:00:00Z")])
        #expect(e.nextFire(after: utc("2026-11-23T09:00:00Z")) == utc("2026-11-24T09:00:00Z"))
        #expect(e.nextFire(after: utc("2026-11-23T08:59:59.999Z")) == utc("2026-11-23T09:00:00Z"))
    }

    /// Day of week runs 0-7 (both Sunday), and `a/n` runs to its end: `5/1` is Friday, Saturday and Sunday.
    @Test func weekdayStepsRunToSunday() throws {
        // Thursday 2026-12-03.
        let fridayOn = try ScheduleExpression("0 0 * * 5/1")
        #expect(fridayOn.fires(after: utc("2026-12-03T00:00:00Z"), count: 4)
                == [utc("2026-12-04T00:00:00Z"), utc("2026-12-05T00:00:00Z"), utc("2026-12-06T00:00:00Z"), utc("2026-12-11T00:00:00Z")])
        let everyThird = try ScheduleExpression("0 0 * * 1/3")   // Monday, Thursday, Sunday
        #expect(everyThird.fires(after: utc("2026-12-03T00:00:00Z"), count: 3)
                == [utc("2026-12-06T00:00:00Z"), utc("2026-12-07T00:00:00Z"), utc("2026-12-10T00:00:00Z")])
        let sunday = try ScheduleExpression("0 0 * * 7/1")
        #expect(sunday.nextFire(after: utc("2026-12-03T00:00:00Z")) == utc("2026-12-06T00:00:00Z"))
        // `*` starts at 0: every other day is Sunday, Tuesday, Thursday, Saturday, as before.
        let everyOther = try ScheduleExpression("0 0 * * */2")
        #expect(everyOther.fires(after: utc("2026-12-05T12:00:00Z"), count: 2) == [utc("2026-12-06T00:00:00Z"), utc("2026-12-08T00:00:00Z")])
    }

    @Test func dayOfMonthOrDayOfWeekWhenBothAreRestricted() throws {
        // The 1st of the month or any Monday (Vixie cron).
        let e = try ScheduleExpression("0 0 1 * mon")
        #expect(e.fires(after: utc("2026-11-28T00:00:00Z"), count: 3)
                == [utc("2026-11-30T00:00:00Z"), utc("2026-12-01T00:00:00Z"), utc("2026-12-07T00:00:00Z")])
    }

    @Test func aStarStepDayFieldStillMeansBothMustMatch() throws {
        // Vixie cron: `*/2` counts as unrestricted, so odd days AND Mondays (not OR).
        let e = try ScheduleExpression("0 0 */2 * mon")
        #expect(e.fires(after: utc("2026-11-01T12:00:00Z"), count: 2) == [utc("2026-11-09T00:00:00Z"), utc("2026-11-23T00:00:00Z")])
    }

    @Test func february29FiresOnlyInLeapYears() throws {
        let e = try ScheduleExpression("0 12 29 2 *")
        #expect(e.fires(after: utc("2026-03-01T00:00:00Z"), count: 2) == [utc("2028-02-29T12:00:00Z"), utc("2032-02-29T12:00:00Z")])
        let lastDay = try ScheduleExpression("0 0 28-29 2 *")
        #expect(lastDay.fires(after: utc("2027-02-27T00:00:00Z"), count: 2) == [utc("2027-02-28T00:00:00Z"), utc("2028-02-28T00:00:00Z")])
    }

    @Test func macros() throws {
        let after = utc("2026-11-22T10:17:00Z")
        #expect(try ScheduleExpression("@hourly").nextFire(after: after) == utc("2026-11-22T11:00:00Z"))
        #expect(try ScheduleExpression("@daily").nextFire(after: after) == utc("2026-11-23T00:00:00Z"))
        #expect(try ScheduleExpression("@midnight").nextFire(after: after) == utc("2026-11-23T00:00:00Z"))
        #expect(try ScheduleExpression("@weekly").nextFire(after: after) == utc("2026-11-29T00:00:00Z"))
        #expect(try ScheduleExpression("@monthly").nextFire(after: after) == utc("2026-12-01T00:00:00Z"))
        #expect(try ScheduleExpression("@yearly").nextFire(after: after) == utc("2027-01-01T00:00:00Z"))
        #expect(try ScheduleExpression("@annually").nextFire(after: after) == utc("2027-01-01T00:00:00Z"))
    }

    @Test func everyIsAnchoredAtTheEpoch() throws {
        let e = try ScheduleExpression("@every 90s", timeZone: "Europe/Berlin")
        #expect(e.nextFire(after: 0) == 90_000)
        #expect(e.nextFire(after: 89_999) == 90_000)
        #expect(e.nextFire(after: 90_000) == 180_000)
        #expect(e.latestFire(after: 0, notAfter: 400_000) == 360_000)
        #expect(e.latestFire(after: 360_000, notAfter: 449_999) == nil)
    }

    @Test func latestFireLooksBackOverLongGaps() throws {
        #expect(try ScheduleExpression("@yearly").latestFire(after: utc("2020-06-01T00:00:00Z"), notAfter: utc("2026-11-22T00:00:00Z"))
                == utc("2026-01-01T00:00:00Z"))
        #expect(try ScheduleExpression("* * * * *").latestFire(after: utc("2020-06-01T00:00:00Z"), notAfter: utc("2026-11-22T10:17:30Z"))
                == utc("2026-11-22T10:17:00Z"))
        #expect(try ScheduleExpression("@yearly").latestFire(after: utc("2026-01-01T00:00:00Z"), notAfter: utc("2026-11-22T00:00:00Z")) == nil)
    }

    // Europe/Berlin 2026: CET→CEST at 2026-03-29 01:00Z (02:00 local jumps to 03:00),
    // CEST→CET at 2026-10-25 01:00Z (03:00 local goes back to 02:00).

    @Test func skippedHourFiresWhenTheClocksJump() throws {
        let e = try ScheduleExpression("30 2 * * *", timeZone: "Europe/Berlin")
        #expect(e.fires(after: utc("2026-03-27T12:00:00Z"), count: 3) == [
            utc("2026-03-28T01:30:00Z"), // 02:30 CET
            utc("2026-03-29T01:00:00Z"), // 02:30 does not exist: fires at the jump (03:00 CEST)
            utc("2026-03-30T00:30:00Z"), // 02:30 CEST
        ])
        // Every quarter hour: the skipped hour's ticks fire once at the jump, then the clock goes on.
        let quarter = try ScheduleExpression("*/15 * * * *", timeZone: "Europe/Berlin")
        #expect(quarter.fires(after: utc("2026-03-29T00:40:00Z"), count: 3)
                == [utc("2026-03-29T00:45:00Z"), utc("2026-03-29T01:00:00Z"), utc("2026-03-29T01:15:00Z")])
    }

    @Test func repeatedHourFiresOnce() throws {
        let daily = try ScheduleExpression("30 2 * * *", timeZone: "Europe/Berlin")
        #expect(daily.fires(after: utc("2026-10-24T12:00:00Z"), count: 2)
                == [utc("2026-10-25T00:30:00Z"), utc("2026-10-26T01:30:00Z")]) // 02:30 CEST once, then 02:30 CET next day
        // Asked from inside the repeated hour (second pass), the first pass's 02:30 is not fired again.
        #expect(daily.nextFire(after: utc("2026-10-25T01:10:00Z")) == utc("2026-10-26T01:30:00Z"))
        // A fixed hour with a minute step: the first pass only.
        let quarters = try ScheduleExpression("*/15 2 * * *", timeZone: "Europe/Berlin")
        #expect(quarters.fires(after: utc("2026-10-24T23:00:00Z"), count: 5) == [
            utc("2026-10-25T00:00:00Z"), utc("2026-10-25T00:15:00Z"), utc("2026-10-25T00:30:00Z"), utc("2026-10-25T00:45:00Z"),
            utc("2026-10-26T01:00:00Z"),
        ])
    }

    @Test func everyHourExpressionsKeepRunningThroughTheRepeatedHour() throws {
        // `*` in the hour field follows elapsed hours (Vixie cron): 02:30 CEST and 02:30 CET are an hour apart, and
        // each instant fires once.
        let hourly = try ScheduleExpression("30 * * * *", timeZone: "Europe/Berlin")
        #expect(hourly.fires(after: utc("2026-10-24T22:00:00Z"), count: 5) == [
            utc("2026-10-24T22:30:00Z"), utc("2026-10-24T23:30:00Z"), utc("2026-10-25T00:30:00Z"), utc("2026-10-25T01:30:00Z"),
            utc("2026-10-25T02:30:00Z"),
        ])
        let fiveMinutes = try ScheduleExpression("*/5 * * * *", timeZone: "Europe/Berlin")
        let fires = fiveMinutes.fires(after: utc("2026-10-24T23:58:00Z"), count: 30)
        #expect(fires.count == 30 && Set(fires).count == 30)
        #expect(zip(fires, fires.dropFirst()).allSatisfy { $1 - $0 == 300_000 }, "\(fires.map { TimeFormat.iso8601($0) })")
        #expect(try ScheduleExpression("@hourly", timeZone: "America/New_York").fires(after: utc("2026-11-01T04:30:00Z"), count: 3)
                == [utc("2026-11-01T05:00:00Z"), utc("2026-11-01T06:00:00Z"), utc("2026-11-01T07:00:00Z")])
    }

    @Test func newYorkTransitions() throws {
        // 2026-03-08 02:00 EST → 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT → 01:00 EST (06:00Z).
        let spring = try ScheduleExpression("30 2 * * *", timeZone: "America/New_York")
        #expect(spring.nextFire(after: utc("2026-03-08T00:00:00Z")) == utc("2026-03-08T07:00:00Z"))
        let fall = try ScheduleExpression("30 1 * * *", timeZone: "America/New_York")
        #expect(fall.fires(after: utc("2026-11-01T00:00:00Z"), count: 2) == [utc("2026-11-01T05:30:00Z"), utc("2026-11-02T06:30:00Z")])
    }

    @Test func yearsBeyondTheTransitionTableUseTheZoneRule() throws {
        // Last Sunday of March 2040 is the 25th; Berlin jumps at 01:00Z.
        let e = try ScheduleExpression("30 2 * * *", timeZone: "Europe/Berlin")
        #expect(e.nextFire(after: utc("2040-03-25T00:00:00Z")) == utc("2040-03-25T01:00:00Z"))
        #expect(e.nextFire(after: utc("2040-07-01T00:00:00Z")) == utc("2040-07-01T00:30:00Z"))
        // Southern hemisphere: Sydney is on daylight time in January (UTC+11).
        let sydney = try ScheduleExpression("0 9 * * *", timeZone: "Australia/Sydney")
        #expect(sydney.nextFire(after: utc("2045-01-10T00:00:00Z")) == utc("2045-01-10T22:00:00Z"))
        #expect(sydney.nextFire(after: utc("2045-07-10T00:00:00Z")) == utc("2045-07-10T23:00:00Z"))
    }

    @Test func posixRuleParsing() throws {
        let rule = try #require(PosixZoneRule("CET-1CEST,M3.5.0,M10.5.0/3"))
        #expect(rule.standardOffset == 3600 && rule.daylightOffset == 7200)
        let fixed = try #require(PosixZoneRule("<+0330>-3:30"))
        #expect(fixed.offset(atSeconds: 0) == 12_600)
        #expect(PosixZoneRule("") == nil)
    }
}
