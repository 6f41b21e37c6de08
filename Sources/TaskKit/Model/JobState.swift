/// The closed set of states a job can be in; a job is in exactly one at a time.
///
/// See docs/state-machine.md for the transitions.
public enum JobState: String, Sendable, CaseIterable, Codable {
    /// Waiting for its `run_at` in the future.
    case scheduled
    /// Ready to run.
    case pending
    /// Claimed by a worker that holds its lease.
    case running
    /// An attempt failed; the next one is due at `run_at`.
    case retrying
    /// Finished successfully.
    case completed
    /// Retries exhausted: the dead-letter set.
    case failed
    /// Cancelled before or while running.
    case cancelled

    /// Terminal states.
    public static let finished: [JobState] = [.completed, .failed, .cancelled]

    /// What `taskq retry ID` makes pending again: dead and cancelled jobs (with a fresh retry budget) and waiting
    /// ones (due now).
    public static let retryable: Set<JobState> = [.failed, .cancelled, .scheduled, .retrying]
    /// `taskq retry --again`: also completed jobs, run once more.
    public static let rerunnable: Set<JobState> = retryable.union([.completed])

    /// True for completed, failed and cancelled.
    public var isFinished: Bool { JobState.finished.contains(self) }

    /// Parses a state name, accepting the seeds' synonyms
    /// (`in_progress`/`processing` → running, `success` → completed, `retry` → retrying, `queued` → pending).
    public init?(parsing text: String) {
        let key = String(text.lowercased().map { $0 == "-" ? "_" : $0 })
        switch key {
        case "in_progress", "processing", "started": self = .running
        case "success", "succeeded", "done": self = .completed
        case "retry": self = .retrying
        case "queued", "ready": self = .pending
        case "dead", "failure": self = .failed
        case "canceled", "revoked": self = .cancelled
        default:
            guard let state = JobState(rawValue: key) else { return nil }
            self = state
        }
    }
}

extension JobState {
    /// Parses state names (each value may be a comma list; synonyms accepted) for `--state` and `?state=`.
    /// Throws `TaskqError.usage` naming the first bad one. An empty name (`--state ''`, `state=`, `failed,,x`) is
    /// refused too: an unset shell variable must not turn a filter into "every state".
    public static func parseList(_ values: [String], expected: String = JobState.allCases.map(\.rawValue).joined(separator: ", "),
                                 allowed: Set<JobState> = Set(JobState.allCases), refusal: String = "",
                                 option: String = "--state") throws -> [JobState] {
        try values.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map { text in
            guard !text.allSatisfy({ $0 == " " }) else { throw TaskqError.usage("empty \(option) value: expected \(expected)") }
            guard let state = JobState(parsing: String(text)) else {
                throw TaskqError.usage("unknown state '\(TerminalText.escaped(String(text)))': expected \(expected)")
            }
            guard allowed.contains(state) else { throw TaskqError.usage("invalid \(option) '\(TerminalText.escaped(String(text)))': \(refusal)") }
            return state
        }
    }
}

/// Job ids as users type them.
public enum JobID {
    /// A positive integer, or `TaskqError.usage` naming `what` (a job id, or another record's: `token id`).
    public static func parse(_ text: String, what: String = "job id") throws -> Int64 {
        guard let id = Int64(text), id > 0 else { throw TaskqError.usage("invalid \(what) '\(TerminalText.escaped(text))': expected a positive integer") }
        return id
    }
}
