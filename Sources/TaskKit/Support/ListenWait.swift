/// One wait of a network listener (PostgreSQL LISTEN, Redis BLPOP): a deadline, a cancellation flag and a self-pipe,
/// so the blocking poll() on the listener's connection queue returns at once when the waiting task is cancelled.
struct ListenWait: Sendable {
    private let deadline: Double
    private let cancelled: Locked<Bool>
    private let pipe: WakePipe

    /// Seconds left to wait; nil once the deadline passed or the wait was cancelled.
    var remaining: Double? {
        let left = deadline - Clock.monotonicSeconds()
        return left > 0 && !cancelled.withLock({ $0 }) ? left : nil
    }

    /// Blocks until `socket` is readable (true), the pipe is signalled or `seconds` pass (false).
    func poll(socket: Int32, seconds: Double) -> Bool { pipe.poll(socket: socket, seconds: seconds) }

    /// Runs `body` as one wait of at most `timeout` seconds. `body` loops on the listener's connection queue,
    /// checking `remaining` and calling `poll` until it sees a wake-up. A failing `body` (connection down) turns
    /// into a sleep of up to a second, so the worker falls back to polling instead of spinning.
    static func run(timeout: Double, pipe: WakePipe, _ body: @Sendable (ListenWait) async throws -> Void) async {
        let wait = ListenWait(deadline: Clock.monotonicSeconds() + timeout, cancelled: Locked(false), pipe: pipe)
        await withTaskCancellationHandler {
            do {
                pipe.drain()
                try await body(wait)
            } catch {
                if let left = wait.remaining { try? await Task.sleep(nanoseconds: UInt64(min(left, 1.0) * 1e9)) }
            }
        } onCancel: {
            wait.cancelled.withLock { $0 = true }
            pipe.signal()
        }
    }
}
