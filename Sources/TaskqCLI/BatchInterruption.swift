import Dispatch
import TaskKit
#if canImport(Glibc)
import Glibc
#endif

/// How a one-shot command that changes the store in many atomic steps (`create-job --from-file`, `purge`, bulk
/// `retry`) stops on Ctrl-C (SIGINT) or SIGTERM, so the user learns exactly what was done
/// (docs/contracts.md#exit-codes):
/// - before its first write: at once, exit 130, nothing written;
/// - after it: the step in flight finishes and is reported (ids printed), then TaskKit's batch loop throws
///   `TaskqError.interrupted` (exit 130) saying how far it got;
/// - a second signal: at once, exit 130 (the step in flight is atomic: it is either in the store or not).
final class BatchInterruption: Sendable {
    private struct State {
        var writing = false
        var signals = 0
    }
    private let state = Locked(State())

    /// Marks the first write: from now on a signal waits for the step in flight.
    func beginWriting() { state.withLock { $0.writing = true } }

    /// Runs `body` in a task of its own that SIGINT and SIGTERM stop as described above; returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable (BatchInterruption) async throws -> T) async throws -> T {
        let interruption = BatchInterruption()
        let task = Task { try await body(interruption) }
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM]) { interruption.signalled(task) }
        defer { signals.cancel() }
        return try await task.value
    }

    private func signalled<T>(_ task: Task<T, Error>) {
        let first = state.withLock { s -> Bool in
            s.signals += 1
            // Exiting under the lock: `beginWriting` cannot slip in, so "nothing was written" is true.
            if !s.writing { Self.exitNow("interrupted: nothing was written") }
            return s.signals == 1
        }
        guard first else { Self.exitNow("interrupted again: stopped at once (the batch in flight is written whole or not at all)") }
        Output.clearStatus()
        Output.note("stopping after the batch in flight (interrupt again to stop at once)")
        task.cancel()
    }

    private static func exitNow(_ message: String) -> Never {
        Output.clearStatus()
        Output.error(message)
        _exit(130)
    }
}
