extension Job {
    /// `used/allowed`, what `list-jobs` and the dashboard show as ATTEMPTS: the attempts counted in the current budget
    /// (not one given back, nor those before a `retry` of a finished job) of the first attempt plus `maxRetries`.
    public var attemptsSummary: String { "\(attemptsInBudget)/\(maxRetries + 1)" }

    /// `show-job`'s and the job page's line: every attempt so far, and how many of the budget's are used, in the
    /// words of `attemptsSummary` (`3 in all; 1 of 4 allowed used (max retries 3)` after a `retry`).
    public var attemptsDescription: String {
        "\(attempt) in all; \(attemptsInBudget) of \(maxRetries + 1) allowed used (max retries \(maxRetries))"
    }
}
