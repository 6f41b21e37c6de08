#if canImport(Glibc)
import Glibc
#endif

/// A dedicated connection that blocks on the wake lists (BLPOP) of a worker's queues. The BLPOP is sent without
/// blocking the thread; poll() watches the socket and a self-pipe, so a cancelled wait returns at once and an
/// unanswered BLPOP is simply picked up by the next wait.
final class RedisListener: @unchecked Sendable {
    private let target: RedisTarget
    private var connection: RedisConnection?
    private var outstanding = false
    private let lock = Locked(())
    /// Makes a blocked poll() return at once when the wait is cancelled.
    private let wakePipe = WakePipe()

    init(target: RedisTarget) { self.target = target }

    func wait(keys: [String], timeout: Double) async {
        await ListenWait.run(timeout: timeout, pipe: wakePipe) { wait in
            do {
                let connection = try await self.connected()
                try await connection.run { db in
                    while true {
                        if !self.outstanding {
                            try db.append(["BLPOP"] + keys + ["1"])
                            try db.flush()
                            self.outstanding = true
                        }
                        if let reply = try db.bufferedReply() {
                            self.outstanding = false
                            // An error reply (`-@blocking` denied to an ACL user, …) is no wake-up: the wait fails
                            // and the worker polls once a second instead of claiming in a loop.
                            if case let .error(message) = reply { throw TaskqError.unavailable("Redis refused BLPOP: \(message)") }
                            if reply != .null { return }
                            continue
                        }
                        guard let remaining = wait.remaining else { return }
                        if wait.poll(socket: db.fd, seconds: remaining) { try db.readSocket() }
                    }
                }
            } catch {
                self.outstanding = false
                throw error
            }
        }
    }

    private func connected() async throws -> RedisConnection {
        if let connection = lock.withLock({ _ in self.connection }) { return connection }
        let fresh = try await RedisConnection.connect(target, label: "listen")
        lock.withLock { _ in self.connection = fresh }
        return fresh
    }

    func close() async {
        let connection = lock.withLock { _ in self.connection }
        await connection?.close()
    }
}
