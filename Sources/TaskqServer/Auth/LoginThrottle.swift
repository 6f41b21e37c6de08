import TaskKit

/// Slows password guessing: after `allowed` failed logins for one user name within `lockMillis`, further attempts
/// for that name are refused (429, `Retry-After`) until the window passes, whatever the password. Per name, not per
/// address, so a guesser spreading over many addresses is held too; a success clears the count.
///
/// An attempt holds its place from `begin` until `end`: attempts still checking their password count as failures,
/// so a burst of guesses sent at once gets no more than `allowed` checks, as the same guesses one after the other.
final class LoginThrottle: Sendable {
    private struct Record {
        var failures: [Millis] = []
        var inFlight = 0
    }
    private let records = Locked([String: Record]())
    private let allowed: Int
    private let lockMillis: Millis

    init(allowed: Int, lockMillis: Millis) {
        self.allowed = allowed
        self.lockMillis = lockMillis
    }

    /// Starts an attempt for `user`: nil when it may go ahead (call `end` when its password is checked), else the
    /// milliseconds to wait before trying again.
    func begin(user: String, now: Millis) -> Millis? {
        records.withLock { table -> Millis? in
            if table.count > 100_000 { table = table.filter { $0.value.inFlight > 0 || $0.value.failures.contains { now - $0 < lockMillis } } }
            var record = table[user] ?? Record()
            record.failures = record.failures.filter { now - $0 < lockMillis }
            guard record.failures.count + record.inFlight < allowed else {
                table[user] = record
                // Only attempts in flight: the first to end decides; a second is enough to wait.
                guard let oldest = record.failures.first else { return 1_000 }
                return max(1, oldest + lockMillis - now)
            }
            record.inFlight += 1
            table[user] = record
            return nil
        }
    }

    enum Outcome { case failed, succeeded, notChecked }

    /// Ends an attempt `begin` allowed: a failure counts from `now`, a success clears the user's failures, an attempt
    /// whose password was never checked (the server was too busy) leaves them as they were.
    func end(user: String, _ outcome: Outcome, now: Millis) {
        records.withLock { table in
            var record = table[user] ?? Record()
            record.inFlight = max(0, record.inFlight - 1)
            switch outcome {
            case .succeeded: record.failures = []
            case .failed: record.failures = record.failures.filter { now - $0 < lockMillis } + [now]
            case .notChecked: break
            }
            table[user] = record.failures.isEmpty && record.inFlight == 0 ? nil : record
        }
    }
}
