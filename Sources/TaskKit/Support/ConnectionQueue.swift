import CTaskqSupport
import Dispatch

/// The serial dispatch queue that owns one database connection: every blocking C call for that connection runs
/// here, never on Swift's cooperative pool, and the result is handed back through a continuation. SIGPIPE is
/// blocked on the threads that run it, so a connection the server dropped mid-write is an error, not the end of
/// the process (`taskq_block_sigpipe_on_this_thread`).
struct ConnectionQueue: Sendable {
    private let queue: DispatchQueue

    init(label: String) { queue = DispatchQueue(label: label) }

    /// Runs `body` on the queue; `queued`, when given, is called once `body` is queued (not yet run). Within
    /// `StorePatience.$seconds`, the caller stops waiting after that long (`TaskqError.temporary`); `body` still runs
    /// to its end on the queue (a blocking C call cannot be cut short) and its result is dropped.
    func run<T>(queued: (() -> Void)? = nil, _ body: @escaping () throws -> T) async throws -> T {
        guard let patience = StorePatience.seconds else {
            return try await withCheckedThrowingContinuation { continuation in
                submit { continuation.resume(with: Result { try body() }) }
                queued?()
            }
        }
        return try await withCheckedThrowingContinuation { continuation in
            let answered = Locked(false)
            let answer = { (result: Result<T, Error>) in
                if answered.withLock({ done in defer { done = true }; return !done }) { continuation.resume(with: result) }
            }
            submit { answer(Result { try body() }) }
            queued?()
            DispatchQueue.global().asyncAfter(deadline: .now() + patience) {
                answer(.failure(TaskqError.temporary(StorePatience.message(patience))))
            }
        }
    }

    /// Queues `work` on the connection's queue, with SIGPIPE blocked on the thread that runs it.
    private func submit(_ work: @escaping () -> Void) {
        queue.async {
            taskq_block_sigpipe_on_this_thread()
            work()
        }
    }

    func run(_ body: @escaping () -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            submit {
                body()
                continuation.resume()
            }
        }
    }
}

/// How long a caller waits for its store call before giving up (nil: as long as it takes). `taskq serve` sets it for
/// reads, so a store that hangs (rather than refusing connections) answers 503 instead of holding the request.
public enum StorePatience {
    @TaskLocal public static var seconds: Double?

    static func message(_ seconds: Double) -> String {
        "the store did not answer within \(DurationParser.format(Millis(seconds * 1000)))"
    }
}
