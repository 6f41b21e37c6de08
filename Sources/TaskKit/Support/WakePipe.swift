import CTaskqSupport
#if canImport(Glibc)
import Glibc
#endif

/// A self-pipe that interrupts a blocking poll(): a waiter polls `readFD` next to its socket, and `signal()` (safe
/// from any thread, e.g. a task cancellation handler) makes that poll return at once.
final class WakePipe: @unchecked Sendable {
    private var fds: [Int32] = [-1, -1]

    init() {
        if taskq_pipe_cloexec(&fds) == 0 {
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        }
    }

    deinit { for fd in fds where fd >= 0 { Glibc.close(fd) } }

    var readFD: Int32 { fds[0] }

    /// Discards pending wake-ups (call before a new wait).
    func drain() {
        var scratch = [UInt8](repeating: 0, count: 64)
        while read(fds[0], &scratch, scratch.count) > 0 {}
    }

    func signal() {
        var byte: UInt8 = 1
        _ = write(fds[1], &byte, 1)
    }

    /// Polls `socket` and the pipe for up to `seconds`; true when the socket is readable.
    func poll(socket: Int32, seconds: Double) -> Bool {
        var set = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0), pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)]
        return Glibc.poll(&set, 2, Int32(max(0, min(seconds, 1.0)) * 1000) + 1) > 0 && set[0].revents != 0
    }
}
