/// Bounds the bcrypt runs (~0.25 s of CPU each, on a thread of their own) at once: beyond `capacity` one waits its
/// turn, and beyond `maxWaiting` waiting ones it is turned away, so a flood of logins (many user names, which a
/// server's per-name throttle does not hold) cannot start hundreds of threads (`PasswordHasher.offPool`).
actor PasswordCheckLimit {
    private let capacity: Int
    private let maxWaiting: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(capacity: Int, maxWaiting: Int) {
        self.capacity = capacity
        self.maxWaiting = maxWaiting
    }

    /// Takes a place, waiting for one if need be; false (no place taken) when too many are waiting already.
    func acquire() async -> Bool {
        if running < capacity {
            running += 1
            return true
        }
        guard waiting.count < maxWaiting else { return false }
        await withCheckedContinuation { waiting.append($0) }
        return true  // the place of the check that ended, handed over by `release`
    }

    /// Logins waiting for a place now.
    var waitingCount: Int { waiting.count }

    /// Gives back a place `acquire` took: to the longest waiting login, if any.
    func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
