import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// LISTENs on the schema's channel over the store's own connection (a worker uses one connection in all, so many
/// workers fit in `max_connections`); `wait` returns when a NOTIFY names one of the queues, or at the timeout.
/// The blocking poll() runs on the connection's queue and returns at once through a self-pipe when the wait is
/// cancelled or another statement is queued on the connection, so it never holds up a statement. When the connection
/// is down, `wait` sleeps (the worker polls).
final class PostgresListener: @unchecked Sendable {
    private let target: PostgresTarget
    private let connection: PostgresConnection
    /// The connection's generation LISTEN was issued in; a reconnect starts a new one that must LISTEN again.
    private var listeningIn: Int?
    /// Makes a blocked poll() return at once when the wait is cancelled or a statement is queued (`PostgresConnection`).
    private let wakePipe = WakePipe()

    init(connection: PostgresConnection) {
        self.connection = connection
        self.target = connection.target
    }

    /// Returns when a NOTIFY names one of `queues` or at the timeout. A statement queued on the connection meanwhile
    /// (a job's output, a start report) runs at once: the wait gives the connection up and then waits out the rest.
    func wait(queues: Set<String>, timeout: Double) async {
        let channel = target.channel
        await ListenWait.run(timeout: timeout, pipe: wakePipe) { wait in
            while true {
                let woke = try await self.connection.runWaiting(pipe: self.wakePipe) { db -> Bool? in
                    guard let conn = db.handle else { return false }
                    if self.listeningIn != db.generation {
                        try db.exec("LISTEN \"\(channel)\"", [], prepare: false)
                        self.listeningIn = db.generation
                    }
                    while true {
                        if PQconsumeInput(conn) == 0 {
                            self.listeningIn = nil
                            throw TaskqError.unavailable("connection lost while waiting for notifications")
                        }
                        var woke = false
                        while let note = PQnotifies(conn) {
                            let payload = String(cString: note.pointee.extra)
                            PQfreemem(note)
                            if queues.contains(payload) { woke = true }
                        }
                        if woke { return true }
                        guard let remaining = wait.remaining else { return false }
                        if db.hasQueuedStatements { return nil }
                        _ = wait.poll(socket: PQsocket(conn), seconds: remaining)
                        // A wake-up through the pipe is read here: for a queued statement (seen above next time) or a
                        // cancellation (seen through `remaining`). Left in the pipe, it would wake every poll at once.
                        self.wakePipe.drain()
                    }
                }
                // nil: gave way to a queued statement, which runs now; then wait out the rest (notifications that
                // arrive meanwhile wait in libpq's buffer). The pipe is drained first: its wake-up was for that
                // statement, and a cancellation is seen through `remaining`.
                guard woke == nil, wait.remaining != nil else { return }
                self.wakePipe.drain()
            }
        }
    }
}
