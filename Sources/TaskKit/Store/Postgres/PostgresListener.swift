import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// A dedicated connection that LISTENs on the schema's channel; `wait` returns when a NOTIFY names one of the
/// queues, or at the timeout. Blocking poll() runs on the listener connection's own queue, in short slices so a
/// cancelled wait frees it quickly. When the listener cannot connect, `wait` sleeps instead (the worker polls).
final class PostgresListener: @unchecked Sendable {
    private let target: PostgresTarget
    private var connection: PostgresConnection?
    private var listening = false
    private let lock = Locked(())
    /// Makes a blocked poll() return at once when the wait is cancelled.
    private let wakePipe = WakePipe()

    init(target: PostgresTarget) { self.target = target }

    func wait(queues: Set<String>, timeout: Double) async {
        let deadline = Clock.monotonicSeconds() + timeout
        let cancelled = Locked(false)
        await withTaskCancellationHandler {
            do {
                let connection = try await connectedListener()
                let channel = target.channel
                _ = try await connection.run { db -> Bool in
                    if !self.listening {
                        try db.exec("LISTEN \"\(channel)\"", [], prepare: false)
                        self.listening = true
                    }
                    guard let conn = db.handle else { return false }
                    self.wakePipe.drain()
                    while true {
                        if PQconsumeInput(conn) == 0 {
                            self.listening = false
                            throw TaskqError.unavailable("listener connection lost")
                        }
                        var woke = false
                        while let note = PQnotifies(conn) {
                            let payload = String(cString: note.pointee.extra)
                            PQfreemem(note)
                            if queues.contains(payload) { woke = true }
                        }
                        if woke { return true }
                        let remaining = deadline - Clock.monotonicSeconds()
                        if remaining <= 0 || cancelled.withLock({ $0 }) { return false }
                        _ = self.wakePipe.poll(socket: PQsocket(conn), seconds: remaining)
                    }
                }
            } catch {
                listening = false
                let remaining = deadline - Clock.monotonicSeconds()
                if remaining > 0 { try? await Task.sleep(nanoseconds: UInt64(min(remaining, 1.0) * 1e9)) }
            }
        } onCancel: {
            cancelled.withLock { $0 = true }
            wakePipe.signal()
        }
    }

    private func connectedListener() async throws -> PostgresConnection {
        if let connection = lock.withLock({ _ in self.connection }) { return connection }
        let fresh = try await PostgresConnection.connect(target, label: "listen")
        lock.withLock { _ in self.connection = fresh }
        return fresh
    }

    func close() async {
        let connection = lock.withLock { _ in self.connection }
        await connection?.close()
    }
}
