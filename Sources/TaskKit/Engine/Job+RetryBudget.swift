extension Job {
    /// The number of the last attempt the current retry budget allows: the attempts before the budget began, the
    /// first attempt and `maxRetries` retries. `list-jobs` shows `attempt/lastAttemptInBudget`.
    public var lastAttemptInBudget: Int { attemptOffset + 1 + maxRetries }
}
