/// The retry rule, written once for attempts that fail in a worker and for leases the rescuer finds expired.
extension Job {
    /// A failed attempt of this job at `at`: retried after its policy's back-off while the retry budget allows,
    /// else failed for good.
    public func failure(error: String, outcome: AttemptOutcome, at: Millis) -> JobOutcome.Kind {
        let used = attemptsInBudget
        guard used <= maxRetries else { return .failed(error: error, outcome: outcome) }
        return .retry(error: error, runAt: at + retryPolicy.delayMillis(afterAttempt: used), outcome: outcome)
    }
}
