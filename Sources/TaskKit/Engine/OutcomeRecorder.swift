/// Records attempt outcomes in the store, applying the rule that cancellation wins over a finishing attempt: an
/// outcome the store reports as `cancelRequested` is recorded again as `cancelled` (`JobOutcome.cancelledInstead`).
public enum OutcomeRecorder {
    /// Applies `outcomes`; returns those applied, each as finally recorded (some replaced by a cancellation).
    /// Outcomes for jobs the worker no longer holds are dropped.
    public static func record(_ outcomes: [JobOutcome], in store: JobStore, now: Millis) async throws -> [JobOutcome] {
        guard !outcomes.isEmpty else { return [] }
        let reply = try await store.finish(outcomes, now: now)
        var recorded = outcomes.filter { reply.applied.contains($0.jobID) }
        let cancelled = outcomes.filter { reply.cancelRequested.contains($0.jobID) }.map { $0.cancelledInstead() }
        if !cancelled.isEmpty {
            // Cancelled outcomes never yield again, so this second round ends it.
            let again = try await store.finish(cancelled, now: now)
            recorded += cancelled.filter { again.applied.contains($0.jobID) }
        }
        return recorded
    }
}
