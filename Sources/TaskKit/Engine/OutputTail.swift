/// The end of a job's output, as `show-job` prints it and the dashboard's job page shows it: the last lines of each
/// stream of the latest attempt that has output, with how many earlier bytes are not shown.
public struct OutputTail: Sendable, Equatable {
    public var stream: OutputStreamName
    public var attempt: Int
    /// The lines shown, decoded as UTF-8 (invalid bytes replaced), not escaped for any display.
    public var text: String
    /// Bytes before the lines shown (dropped by the worker's cap, or simply earlier lines).
    public var hidden: Int64

    public init(stream: OutputStreamName, attempt: Int, text: String, hidden: Int64) {
        self.stream = stream
        self.attempt = attempt
        self.text = text
        self.hidden = hidden
    }

    /// The last `lines` lines of each stream of `job`'s latest attempt that has output, stdout first; none before
    /// the first attempt.
    public static func latest(of job: Job, in store: TaskqStore, lines: Int) async throws -> [OutputTail] {
        guard job.attempt > 0 else { return [] }
        var tails: [OutputTail] = []
        for stream in OutputStreamName.allCases {
            if let output = try await store.output(jobID: job.id, attempt: job.attempt, stream: stream), !output.bytes.isEmpty {
                let shown = output.lastLines(lines)
                tails.append(OutputTail(stream: stream, attempt: job.attempt, text: String(decoding: shown, as: UTF8.self),
                                        hidden: output.total - Int64(shown.count)))
            }
        }
        return tails
    }
}
