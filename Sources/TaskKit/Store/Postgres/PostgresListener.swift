import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// LISTENs on the schema's channel over the store's own connection (a worker uses one connection in all, so many
/// workers fit in `max_connections`); `wait` returns when a NOTIFY names one of the queues, or at the timeout.
/// The blocking poll() runs on the connection's queue and a cancelled wait returns at once through a self-pipe, so
/// it never holds up the worker's next statement. When the connection is down, `wait` sleeps (the worker polls).
final class PostgresListener: @unchecked Sendable {
    private let target: PostgresTarget
    private let connection: PostgresConnection
    /// The libpq handle LISTEN was issued on; a reconnect makes a new one that must LISTEN again.
    private var listeningOn: OpaquePointer?
    /// Makes a blocked poll() return at once when the wait is cancelled.
    private let wakePipe = WakePipe()

    init(connection: PostgresConnection) {
        self.connection = connection
        self.target = connection.target
    }

    func wait(queues: Set<String>, timeout: Double) async {
        let channel = target.channel
        await ListenWait.run(timeout: timeout, pipe: wakePipe) { wait in
            _ = try await self.connection.run { db -> Bool in
                guard let conn = db.handle else { return false }
                if self.listeningOn != conn {
                    try db.exec("LISTEN \"\(channel)\"", [], prepare: false)
                    self.listeningOn = conn
                }
                while true {
                    if PQconsumeInput(conn) == 0 {
                        self.listeningOn = nil
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
                    _ = wait.poll(socket: PQsocket(conn), seconds: remaining)
                }
            }
        }
    }
}
