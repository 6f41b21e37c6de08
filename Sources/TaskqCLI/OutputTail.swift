import TaskKit

/// `show-job`'s output tails: the last lines of the latest attempt's stdout and stderr (`OutputTail.latest`), as
/// text with control characters escaped. Jobs run before output was stored show the tails kept in a shell result.
extension OutputTail {
    static let shownLines = 20

    /// The latest attempt's streams that have output, or the tails kept in its shell result.
    static func forShowJob(_ job: Job, in store: TaskqStore) async throws -> [OutputTail] {
        var tails = try await latest(of: job, in: store, lines: shownLines)
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
        Output.line("\(stream.rawValue) (attempt \(attempt), last \(Self.shownLines) lines\(more)):")
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
