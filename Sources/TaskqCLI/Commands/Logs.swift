import ArgumentParser
import Dispatch
import TaskKit
#if canImport(Glibc)
import Glibc
#endif

struct Logs: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print a job's output (a shell job's stdout or stderr, as stored).",
        discussion: """
            Prints the latest attempt's stdout (--stderr: its stderr; --attempt N: another attempt). Workers keep \
            the last --output-cap bytes (default 1MiB) of each stream per attempt; when the front was dropped, a \
            note on stderr says how many bytes. Control characters are escaped unless --raw (bytes as stored). \
            With --follow, a running job's output is printed as it arrives (a job waiting to run is followed once \
            it starts) until the attempt ends; the exit code then says how it ended: 0 completed, 1 failed, timed \
            out, cancelled, lost or released, 130 interrupted (SIGINT). A job that does not exist: exit 1. A job \
            with no stored output (not a shell task, not started, nothing printed): exit 0, a note on stderr.
            """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "Job id.", completion: DynamicCompletion.jobIDs) var id: String

    @Option(help: ArgumentHelp("Attempt to show (default the latest).", valueName: "n"))
    var attempt: Int?

    @Flag(help: "Print stderr instead of stdout.")
    var stderr = false

    @Flag(help: "Follow the running attempt until it ends; exit 0 when it completed, 1 otherwise.")
    var follow = false

    @Flag(help: "Print the bytes as stored, control characters included.")
    var raw = false

    func validate() throws {
        _ = try parseJobID(id)
        if let attempt, attempt < 1 { throw ValidationError("invalid --attempt \(attempt): expected a positive integer") }
    }

    func run(registry: TaskRegistry) async throws {
        let jobID = try parseJobID(id)
        let stream: OutputStreamName = stderr ? .stderr : .stdout
        let printer = OutputPrinter(raw: raw)
        try await Context(store, registry: registry).withStore { store in
            let logs = JobLogs(store: store)
            guard follow else {
                let snapshot = try await logs.read(jobID: jobID, attempt: attempt, stream: stream)
                guard let output = snapshot.output else {
                    Output.note(snapshot.attempt == 0 ? "note: job \(jobID) has not started: no output yet"
                                : "note: job \(jobID) attempt \(snapshot.attempt) has no \(stream.rawValue) stored (not a shell task, or it printed nothing)")
                    return
                }
                if output.dropped > 0 {
                    Output.note("note: the first \(output.dropped) bytes of job \(jobID)'s \(stream.rawValue) (attempt \(snapshot.attempt)) were dropped by the output cap; the last \(output.bytes.count) are shown")
                }
                printer.write(output.bytes[...])
                printer.finish()
                return
            }
            let ending = try await Self.interruptible {
                var noted = false
                let waiting = { (job: Job, next: Int) in
                    let due = job.runAt > Clock.now() ? ", due \(TimeFormat.iso8601(job.runAt))" : ""
                    Output.note("note: job \(jobID) is \(job.state.rawValue)\(due): waiting for attempt \(next) to start")
                }
                // A store restarting is waited out, as `stats --watch` does: one warning, one note when it is back.
                let outage = { (error: TaskqError?) in
                    printer.flush()
                    if let error {
                        Output.warning("\(error.description); retrying every \(DurationParser.format(logs.pollMillis))")
                    } else {
                        Output.note("note: the store answers again")
                    }
                }
                return try await logs.follow(jobID: jobID, attempt: attempt, stream: stream, waiting: waiting, outage: outage) { bytes, gap in
                    if gap > 0 && !noted {
                        noted = true
                        printer.flush()
                        Output.note("note: \(gap) bytes of job \(jobID)'s \(stream.rawValue) were dropped by the output cap before they could be shown")
                    }
                    printer.write(bytes)
                    printer.flush()
                }
            }
            printer.finish()
            guard ending.outcome == .completed else {
                // Exit 1 says the attempt did not succeed; one line says how it ended.
                Output.note(ending.outcome.map { "note: job \(jobID) attempt \(ending.attempt) ended \($0.rawValue)" }
                            ?? "note: job \(jobID) finished without running attempt \(ending.attempt)")
                throw ExitCode(1)
            }
        }
    }

    /// Runs `body`, cancelling it on SIGINT and then exiting 130 (docs/contracts.md#exit-codes).
    static func interruptible<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await body() }
        let signals = SignalWatcher(signals: [SIGINT]) { task.cancel() }
        defer { signals.cancel() }
        do {
            return try await task.value
        } catch is CancellationError {
            throw ExitCode(130)
        }
    }
}

/// Writes job output to stdout: bytes as they are with `raw`, else as text with control characters escaped (newlines
/// and tabs kept). A UTF-8 sequence split between two writes is held back until it is complete.
final class OutputPrinter: @unchecked Sendable {
    let raw: Bool
    private var pending: [UInt8] = []
    private var endsWithNewline = true

    init(raw: Bool) { self.raw = raw }

    func write(_ bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { return }
        if raw {
            emit(Array(bytes))
            return
        }
        pending.append(contentsOf: bytes)
        let cut = Self.completePrefix(pending)
        guard cut > 0 else { return }
        emit(Array(TerminalText.escaped(String(decoding: pending[..<cut], as: UTF8.self), keepNewlines: true).utf8))
        pending.removeFirst(cut)
    }

    func flush() { fflush(stdout) }

    /// Prints what is held back, ends text output with a newline on a terminal, and flushes.
    func finish() {
        if !pending.isEmpty {
            emit(Array(TerminalText.escaped(String(decoding: pending, as: UTF8.self), keepNewlines: true).utf8))
            pending.removeAll()
        }
        if !raw && !endsWithNewline && Output.stdoutIsTerminal { emit([UInt8(ascii: "\n")]) }
        fflush(stdout)
    }

    private func emit(_ bytes: [UInt8]) {
        guard let last = bytes.last else { return }
        endsWithNewline = last == UInt8(ascii: "\n")
        bytes.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, stdout) }
    }

    /// How many leading bytes end on a UTF-8 boundary: an incomplete sequence at the end (at most 3 bytes) is held
    /// back; anything invalid is let through (it decodes as U+FFFD).
    static func completePrefix(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        for back in 1...min(3, n) {
            let byte = bytes[n - back]
            if byte & 0xC0 == 0x80 { continue }
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            return length > back ? n - back : n
        }
        return n
    }
}
