import TaskKit

/// The text of one `taskq stats --watch` frame: queues with jobs per state, throughput and the oldest wait, then the
/// live workers. Names are escaped and columns padded by display width (`TerminalText`); no escape codes here.
enum StatsView {
    static func lines(_ frame: StatsFrame, interval: Millis, interactive: Bool) -> [String] {
        let s = frame.snapshot
        var out = ["taskq stats  \(TimeFormat.iso8601(s.at))  every \(DurationParser.format(interval))"
            + (interactive ? "  (q or Ctrl-C quits)" : "")]
        out.append("")
        let states = JobState.allCases
        func rate(_ value: Double?) -> String { value.map { formatRate($0) } ?? "-" }
        var rows = frame.queues.map { q in
            [TerminalText.escaped(q.name), q.paused ? "paused" : "active", String(q.liveWorkers)]
                + states.map { String(q.counts[$0] ?? 0) }
                + [rate(q.completedPerSecond), rate(q.failedPerSecond), q.oldestWaitMillis.map { DurationParser.format($0) } ?? "-"]
        }
        rows.append(["TOTAL", "", String(s.workers.live.count)] + states.map { String(s.counts.count(state: $0)) }
                    + [rate(frame.completedPerSecond), rate(frame.failedPerSecond), ""])
        out += table(["QUEUE", "STATUS", "WORKERS"] + states.map { $0.rawValue.uppercased() } + ["DONE/S", "FAILED/S", "OLDEST WAIT"], rows)
        out.append("")
        let live = s.workers.live
        out.append("Workers: \(live.count) live, \(s.workers.lost.count) lost")
        if !live.isEmpty {
            out += table(["ID", "QUEUES", "RUNNING", "COMPLETED", "FAILED", "LAST SEEN"], live.map { e in
                [TerminalText.escaped(e.info.id), TerminalText.escaped(e.info.queues.joined(separator: ",")),
                 "\(e.running)/\(e.info.concurrency)", String(e.info.completed), String(e.info.failed),
                 DurationParser.format(max(0, s.at - e.info.lastSeen)) + " ago"]
            })
        }
        return out
    }

    static func formatRate(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// Left-aligned columns padded by display width.
    static func table(_ headers: [String], _ rows: [[String]]) -> [String] {
        var widths = headers.map(TerminalText.width)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], TerminalText.width(cell)) } }
        return ([headers] + rows).map { cells in
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[i] - TerminalText.width(cell)))
            }.joined(separator: "  ")
        }
    }
}
