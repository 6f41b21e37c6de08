import ArgumentParser
import Logging
import TaskKit

/// `--log-level` and `--log-format` for run-worker, beat, serve and create-job. Logs go to stderr; each record's time
/// has microseconds (`2026-11-22T19:45:34.123456Z`).
struct LogOptions: ParsableArguments {
    @Option(help: ArgumentHelp("trace, debug, info, notice, warning, error or critical. Default info (warning for create-job and beat --once).", valueName: "level"),
            completion: .list(Logger.Level.allCases.map(\.rawValue)))
    var logLevel: String?

    @Option(help: ArgumentHelp("text or json (one JSON object per line).", valueName: "format"), completion: .list(["text", "json"]))
    var logFormat: String = "text"

    func validate() throws {
        if let logLevel, Logger.Level(rawValue: logLevel.lowercased()) == nil {
            throw ValidationError("invalid --log-level '\(TerminalText.escaped(logLevel))': expected \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard ["text", "json"].contains(logFormat) else { throw ValidationError("invalid --log-format '\(TerminalText.escaped(logFormat))': expected text or json") }
    }

    /// Installs the chosen handler for the whole process; `defaultLevel` applies when --log-level is not given. With
    /// json, the command's warnings and notes are JSON records too (errors stay `taskq: error: …` lines).
    func bootstrap(defaultLevel: Logger.Level = .info) {
        let level = logLevel.flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? defaultLevel
        let json = logFormat == "json"
        if json { Output.useJSONDiagnostics() }
        LoggingSystem.bootstrap { label in
            var handler: LogHandler = json ? JSONLogHandler(label: label) : TextLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
