import Logging
import TaskKit
#if canImport(Glibc)
import Glibc
#endif

/// Printing helpers: stdout for results, stderr for diagnostics, tables for people, JSON for scripts.
enum Output {
    static func line(_ text: String) {
        print(text)
    }

    /// A line on stdout written out at once, for a reader waiting on a pipe while the process runs on.
    static func lineNow(_ text: String) {
        print(text)
        fflush(stdout)
    }

    /// `text` on stdout as it is, no newline added.
    static func write(_ text: String) {
        fputs(text, stdout)
    }

    static func json(_ value: JSONValue) {
        print(value.pretty())
    }

    /// `taskq: error: …` on stderr, one line (control characters from input are escaped).
    static func error(_ message: String) {
        fputs("\(ProgramName.current): error: \(TerminalText.escaped(message))\n", stderr)
    }

    /// With `--log-format json` (`LogOptions.bootstrap`), warnings and notes are JSON log records like the log's own.
    private static let jsonDiagnostics = Locked(false)

    static func useJSONDiagnostics() {
        jsonDiagnostics.withLock { $0 = true }
    }

    static func warning(_ message: String) {
        diagnostic(message, level: .warning, text: "\(ProgramName.current): warning: \(TerminalText.escaped(message))")
    }

    static func note(_ message: String) {
        let plain = message.hasPrefix("note: ") ? String(message.dropFirst("note: ".count)) : message
        diagnostic(plain, level: .notice, text: TerminalText.escaped(message))
    }

    /// One diagnostic line on stderr: `text`, or with JSON logs a record of `message` at `level`.
    private static func diagnostic(_ message: String, level: Logger.Level, text: String) {
        if jsonDiagnostics.withLock({ $0 }) {
            fputs(JSONLogHandler.line(level: level, label: "taskq", message: message), stderr)
        } else {
            fputs(text + "\n", stderr)
        }
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

    /// A plain left-aligned table; `stateColumn` is coloured by state after padding. Cells are job data: control
    /// characters are escaped, and columns are aligned by display width (CJK and emoji take two columns).
    static func table(_ headers: [String], _ rawRows: [[String]], stateColumn: Int? = nil) {
        let rows = rawRows.map { $0.map { TerminalText.escaped($0) } }
        var widths = headers.map(TerminalText.width)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], TerminalText.width(cell)) } }
        func render(_ cells: [String], color: Bool) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() {
                let padded = i == cells.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[i] - TerminalText.width(cell)))
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

    /// `text` on one line (line breaks become spaces, other control characters escapes) in at most `width`
    /// display columns, cut with `…`.
    static func truncate(_ text: String, _ width: Int) -> String {
        let single = TerminalText.escaped(text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).joined(separator: " "))
        guard TerminalText.width(single) > width else { return single }
        var out = "", used = 0
        for ch in single {
            let w = TerminalText.width(String(ch))
            if used + w > width - 1 { break }
            out.append(ch)
            used += w
        }
        return out + "…"
    }

    /// A transient status line on a terminal's stderr (`\r`-redrawn); `clearStatus` removes it.
    static func status(_ text: String) {
        guard stderrIsTerminal else { return }
        fputs("\r\u{1B}[K\(TerminalText.escaped(text))", stderr)
    }

    static func clearStatus() {
        guard stderrIsTerminal else { return }
        fputs("\r\u{1B}[K", stderr)
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

    /// Drawn only when stderr is a terminal and stdout is not (results printed to the same terminal would
    /// interleave with the bar; they show the progress themselves).
    init(total: Int, label: String) {
        self.total = total
        self.label = label
        self.enabled = Output.stderrIsTerminal && !Output.stdoutIsTerminal && total > 0
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

/// The one transient line at the bottom of a terminal's stderr (a burst drain's progress) that log records are
/// printed above: a record clears it, is written, and the line is drawn again. Thread-safe.
enum StatusLine {
    private static let shown = Locked<String?>(nil)

    /// Shows `text` in place of the current status line, or removes the line with nil.
    static func set(_ text: String?) {
        shown.withLock { current in
            if current != nil || text != nil { fputs("\r\u{1B}[K\(text ?? "")", stderr) }
            current = text
        }
    }

    /// Writes `line` (ending in a newline) to stderr, above the status line when one is shown.
    static func print(_ line: String) {
        shown.withLock { current in
            guard let current else { fputs(line, stderr); return }
            fputs("\r\u{1B}[K\(line)\(current)", stderr)
        }
    }
}
