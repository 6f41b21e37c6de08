extension Job {
    /// `used/allowed`, what `list-jobs` and the dashboard show as ATTEMPTS: the attempts counted in the current budget
    /// (not one given back, nor those before a `retry` of a finished job) of the first attempt plus `maxRetries`.
    public var attemptsSummary: String { "\(attemptsInBudget)/\(maxRetries + 1)" }
}
