import TaskKit

/// Slows password guessing: after `allowed` failed logins for one user name within `lockMillis`, further attempts
/// for that name are refused (429, `Retry-After`) until the window passes, whatever the password. Per name, not per
/// address, so a guesser spreading over many addresses is held too; a success clears the count.
final class LoginThrottle: Sendable {
    private struct Record { var failures: [Millis] }
    private let records = Locked([String: Record]())
    private let allowed: Int
    private let lockMillis: Millis

    init(allowed: Int, lockMillis: Millis) {
        self.allowed = allowed
        self.lockMillis = lockMillis
    }

    /// Milliseconds to wait before `user` may try again, or nil when a try is allowed now.
    func retryAfter(user: String, now: Millis) -> Millis? {
        records.withLock { table -> Millis? in
            guard var record = table[user] else { return nil }
            record.failures = record.failures.filter { now - $0 < lockMillis }
            table[user] = record.failures.isEmpty ? nil : record
            guard record.failures.count >= allowed, let oldest = record.failures.first else { return nil }
            return max(1, oldest + lockMillis - now)
        }
    }

    func failed(user: String, now: Millis) {
        records.withLock { table in
            if table.count > 100_000 { table = table.filter { $0.value.failures.contains { now - $0 < lockMillis } } }
            var record = table[user] ?? Record(failures: [])
            record.failures = record.failures.filter { now - $0 < lockMillis } + [now]
            table[user] = record
        }
    }

    func succeeded(user: String) { records.withLock { $0[user] = nil } }
}
