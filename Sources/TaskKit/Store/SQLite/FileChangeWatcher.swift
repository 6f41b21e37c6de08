#if canImport(Glibc)
import Glibc
#endif

/// Signals `event` whenever a file is modified (Linux inotify), from its own thread. The SQLite store watches the
/// database's `-wal` file, which every commit by any process writes: a wake-up without polling the database.
final class FileChangeWatcher: @unchecked Sendable {
    let event = AsyncEvent()
    private let fd: Int32
    private let stopped = Locked(false)

    /// Nil when the file cannot be watched (no inotify, file missing); callers fall back to polling.
    init?(path: String) {
        #if os(Linux)
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        guard inotify_add_watch(fd, path, UInt32(IN_MODIFY)) >= 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
        BlockingThread.start { [self] in loop() }
        #else
        return nil
        #endif
    }

    private func loop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while !stopped.withLock({ $0 }) {
            descriptor.revents = 0
            guard poll(&descriptor, 1, 250) > 0 else { continue }
            while read(fd, &buffer, buffer.count) > 0 {}
            event.signal()
        }
        close(fd)
    }

    /// Ends the watching thread (within a quarter second).
    func stop() { stopped.withLock { $0 = true } }
}
