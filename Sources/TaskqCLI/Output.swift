import TaskKit
#if canImport(Glibc)
import Glibc
#endif

/// Printing helpers: stdout for results, stderr for diagnostics, tables for people, JSON for scripts.
enum Output {
    static func line(_ text: String) {
        print(text)
    }

    static func json(_ value: JSONValue) {
        print(value.pretty())
    }

    /// `taskq: error: …` on stderr, one line.
    static func error(_ message: String) {
        fputs("taskq: error: \(message)\n", stderr)
    }

    static func warning(_ message: String) {
        fputs("taskq: warning: \(message)\n", stderr)
    }

    static func note(_ message: String) {
        fputs("\(message)\n", stderr)
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }
    static var stdoutIsTerminal: Bool { isatty(1) == 1 }

    /// Colour only on a terminal and when NO_COLOR is unset.
    static var useColor: Bool { stdoutIsTerminal && ProcessEnvironment.value("NO_COLOR") == nil && ProcessEnvironment.value("TERM") != "dumb" }

    static func colored(_ text: String, state: JobState) -> String {
        guard useColor else { return text }
        let code: String
        switch state {
        case .completed: code = "32"
        case .failed: code = "31"
        case .running: code = "36"
        case .retrying: code = "33"
        case .cancelled: code = "35"
        case .scheduled, .pending: code = "0"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    /// A plain left-aligned table; `colorColumn` is coloured by state after padding.
    static func table(_ headers: [String], _ rows: [[String]], stateColumn: Int? = nil) {
        var widths = headers.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func render(_ cells: [String], color: Bool) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() {
                let padded = i == cells.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[i] - cell.count))
                if color, i == stateColumn, let state = JobState(rawValue: cell) {
                    parts.append(colored(padded, state: state))
                } else {
                    parts.append(padded)
                }
            }
            return parts.joined(separator: "  ")
        }
        print(render(headers, color: false))
        for row in rows { print(render(row, color: true)) }
    }

    static func truncate(_ text: String, _ width: Int) -> String {
        let single = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).joined(separator: " ")
        return single.count <= width ? single : String(single.prefix(width - 1)) + "…"
    }
}

/// A one-line progress bar on stderr, drawn only on a terminal.
final class ProgressBar {
    let total: Int
    let label: String
    private let enabled: Bool
    private var lastDrawn = -1.0
    /// A line is drawn and not yet ended.
    private var open = false

    init(total: Int, label: String) {
        self.total = total
        self.label = label
        self.enabled = Output.stderrIsTerminal && total > 0
    }

    func update(_ done: Int) {
        guard enabled else { return }
        let now = Clock.monotonicSeconds()
        guard done >= total || now - lastDrawn >= 0.1 else { return }
        lastDrawn = now
        let width = 30
        let filled = total == 0 ? width : min(width, done * width / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        fputs("\r\(label) [\(bar)] \(done)/\(total)", stderr)
        open = done < total
        if !open { fputs("\n", stderr) }
    }

    /// Ends the line when the work stopped short of `total` (others did part of it, or it failed).
    func finish() {
        if open { fputs("\n", stderr); open = false }
    }
}
