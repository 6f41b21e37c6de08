import Dispatch

/// The serial dispatch queue that owns one database connection: every blocking C call for that connection runs
/// here, never on Swift's cooperative pool, and the result is handed back through a continuation.
struct ConnectionQueue: Sendable {
    private let queue: DispatchQueue

    init(label: String) { queue = DispatchQueue(label: label) }

    /// Runs `body` on the queue; `queued`, when given, is called once `body` is queued (not yet run).
    func run<T>(queued: (() -> Void)? = nil, _ body: @escaping () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
            queued?()
        }
    }

    func run(_ body: @escaping () -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                body()
                continuation.resume()
            }
        }
    }
}
