import ArgumentParser
import TaskKit

/// `taskq schedule …`: periodic jobs kept in the store (taskq.toml's `[schedules.NAME]` are listed too).
struct Schedule: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Add, list, pause, resume and remove periodic schedules (fired by `taskq beat`).",
        discussion: """
            Schedules come from [schedules.NAME] tables in taskq.toml and from `schedule add`. \
            Expressions: 5 cron fields (minute hour day-of-month month day-of-week, with ranges, lists, steps and \
            jan-dec/sun-sat names), @hourly, @daily, @weekly, @monthly, @yearly, or @every DURATION. See docs/cron.md.
            """,
        subcommands: [ScheduleAdd.self, ScheduleList.self, ScheduleRemove.self, SchedulePause.self, ScheduleResume.self])
}

/// What `schedule pause` and `schedule resume` print once the change is stored.
func printPaused(_ paused: Bool, name: String, changed: Bool, json: Bool) {
    if json {
        Output.json(.obj(("name", .string(name)), ("paused", .bool(paused)), ("changed", .bool(changed))))
    } else {
        Output.line("Schedule \(name) is \(paused ? "paused" : "active").")
        if !changed && !paused { Output.note("note: schedule \(name) was not paused; nothing to resume") }
    }
}
