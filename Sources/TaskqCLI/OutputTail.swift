import TaskKit

/// The end of a job's output as `show-job` prints it: the last lines of the latest attempt's stdout and stderr, as
/// text with control characters escaped. Jobs run before output was stored show the tails kept in a shell result.
struct OutputTail {
    static let lines = 20

    var stream: OutputStreamName
    var attempt: Int
    var text: String
    /// Bytes before the shown lines (dropped by the cap or simply earlier lines).
    var hidden: Int64

    /// The latest attempt's streams that have output.
    static func latest(of job: Job, in store: TaskqStore) async throws -> [OutputTail] {
        guard job.attempt > 0 else { return [] }
        var tails: [OutputTail] = []
        for stream in OutputStreamName.allCases {
            if let output = try await store.output(jobID: job.id, attempt: job.attempt, stream: stream), !output.bytes.isEmpty {
                let shown = output.lastLines(lines)
                tails.append(OutputTail(stream: stream, attempt: job.attempt, text: String(decoding: shown, as: UTF8.self),
                                        hidden: output.total - Int64(shown.count)))
            }
        }
        if tails.isEmpty, let shell = shellResult(job.result) {
            for (stream, text) in [(OutputStreamName.stdout, shell.stdout), (.stderr, shell.stderr)] where !text.isEmpty {
                tails.append(OutputTail(stream: stream, attempt: job.attempt, text: text, hidden: 0))
            }
        }
        return tails
    }

    func print() {
        Output.line("")
        let more = hidden > 0 ? ", \(hidden) earlier bytes not shown: taskq logs" + (stream == .stderr ? " --stderr" : "") : ""
        Output.line("\(stream.rawValue) (attempt \(attempt), last \(Self.lines) lines\(more)):")
        var body = TerminalText.escaped(text, keepNewlines: true)
        if body.hasSuffix("\n") { body.removeLast() }
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) { Output.line("  " + line) }
    }

    /// A shell task's result (`{"exit_code", "stdout", "stderr"}`) as `exit code N`, its output being shown below;
    /// any other result as JSON.
    static func resultText(_ result: JSONValue?) -> String {
        guard let result else { return "-" }
        if let shell = shellResult(result) { return "exit code \(shell.exitCode)" }
        return TerminalText.escaped(result.serialized())
    }

    private static func shellResult(_ result: JSONValue?) -> (exitCode: Int64, stdout: String, stderr: String)? {
        guard case let .object(pairs)? = result, pairs.count == 3, let code = result?["exit_code"]?.int64Value,
              let stdout = result?["stdout"]?.stringValue, let stderr = result?["stderr"]?.stringValue else { return nil }
        return (code, stdout, stderr)
    }
}
