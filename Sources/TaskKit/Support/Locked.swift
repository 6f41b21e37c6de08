#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a mutex. Keep critical sections short and never `await` inside one.
public final class Locked<Value>: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var value: Value

    public init(_ value: Value) {
        self.value = value
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    @discardableResult
    public func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body(&value)
    }
}

/// A one-slot wake-up: `signal` sets it, `wait` returns at once when set (clearing it) or when signalled or cancelled.
public final class AsyncEvent: @unchecked Sendable {
    private struct State {
        var isSet = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextID = 0
    }
    private let state = Locked(State())

    public init() {}

    public func signal() {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { s in
            if s.waiters.isEmpty { s.isSet = true; return [] }
            let all = Array(s.waiters.values)
            s.waiters.removeAll()
            return all
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Clears a signal that no waiter took yet; returns whether there was one (a wait would have returned at once).
    public func consume() -> Bool {
        state.withLock { s in
            let wasSet = s.isSet
            s.isSet = false
            return wasSet
        }
    }

    public func wait() async {
        let id: Int = state.withLock { s in s.nextID += 1; return s.nextID }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = state.withLock { s in
                    if s.isSet || Task.isCancelled { s.isSet = false; return true }
                    s.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { s in s.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
