import TaskKit

/// The schedules (`/schedules`): the `schedule list` table, with pause/resume for admins.
struct SchedulesPage: DashboardPage {
    /// One schedule as `schedule list` shows it.
    struct Row {
        var name: String
        var expression: String
        var zone: String
        var task: String
        var paused: Bool
        /// `taskq.toml` (the configuration's name) or `store`.
        var source: String
        var last: String
        var next: String
    }

    var layout: Layout
    var schedules: [Row]

    var content: HTML {
        """
        <h1>Schedules</h1>
        \(if: schedules.isEmpty, "<p class=\"empty\">No schedules. Add one with <code>taskq schedule add</code> or a [schedules.NAME] table in taskq.toml.</p>")
        \(if: !schedules.isEmpty, table)
        """
    }

    private var table: HTML {
        """
        <div class="table-wrap">
        <table class="grid">
          <thead><tr><th>Name</th><th>Schedule</th><th>Zone</th><th>Task</th><th>Status</th><th>Source</th><th>Last fire (UTC)</th><th>Next fires (UTC)</th>\(if: layout.isAdmin, "<th></th>")</tr></thead>
          <tbody>
        \(schedules.map(row))  </tbody>
        </table>
        </div>

        """
    }

    private func row(_ s: Row) -> HTML {
        let query = Query.escape(s.name)
        let action: HTML = """
            <td><form method="post" action="/schedules/\(query)/\(if: s.paused, "resume", else: "pause")"><input type="hidden" name="csrf" value="\(layout.csrf)"><button type="submit" class="small">\(if: s.paused, "Resume", else: "Pause")</button></form></td>
            """
        return """
              <tr><td>\(s.name)</td><td><code>\(s.expression)</code></td><td>\(s.zone)</td><td>\(s.task)</td>
                <td>\(s.paused ? "<span class=\"badge paused\">paused</span>" : "<span class=\"badge active\">active</span>" as HTML)</td>
                <td>\(s.source)</td><td>\(s.last)</td><td class="wrap">\(s.next)</td>
                \(if: layout.isAdmin, action)
              </tr>

            """
    }
}

extension SchedulesPage.Row {
    init(_ s: ActiveSchedule, now: Millis, configName: String) {
        let d = s.definition
        var upcoming = s.upcoming(after: now, count: 3).map { TimeFormat.short($0) }
        if let due = s.dueTick(now: now) { upcoming.insert("due now (\(TimeFormat.short(due)))", at: 0) }
        name = s.name
        expression = d.expression.text
        zone = d.expression.zone.identifier
        task = s.taskName
        paused = s.paused
        source = d.source == .config ? configName : "store"
        last = s.record?.lastFireAt.map { TimeFormat.short($0) } ?? "–"
        next = s.paused ? "–" : upcoming.joined(separator: ", ")
    }
}
