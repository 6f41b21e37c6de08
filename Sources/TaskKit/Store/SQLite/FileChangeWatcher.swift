#if canImport(Glibc)
import Glibc
#endif

/// Signals `event` when a file is modified (Linux inotify), from its own thread, but only while armed. The SQLite
/// store watches the database's `-wal` file, which every commit by any process writes: a wake-up without polling the
/// database. Every WAL write (one per page written, thousands a second during a drain) raises an event, so the watch
/// exists only while a worker waits for work (`arm` … `disarm`); a busy worker gets no events at all.
final class FileChangeWatcher: @unchecked Sendable {
    let event = AsyncEvent()
    private let fd: Int32
    private let path: String
    private struct State {
        var stopped = false
        /// The watch descriptor while armed.
        var watch: Int32?
    }
    private let state = Locked(State())

    /// Nil when inotify is unavailable; callers fall back to polling.
    init?(path: String) {
        #if os(Linux)
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        self.fd = fd
        self.path = path
        BlockingThread.start { [self] in loop() }
        #else
        return nil
        #endif
    }

    /// Starts watching (events from before are dropped: the caller checks the database after arming). False when
    /// the file cannot be watched (missing); the caller polls instead.
    func arm() -> Bool {
        #if os(Linux)
        return state.withLock { s in
            if s.watch != nil { return true }
            let watch = inotify_add_watch(fd, path, UInt32(IN_MODIFY))
            guard watch >= 0 else { return false }
            s.watch = watch
            drain()
            _ = event.consume()
            return true
        }
        #else
        return false
        #endif
    }

    /// Stops watching until the next `arm`.
    func disarm() {
        #if os(Linux)
        state.withLock { s in
            guard let watch = s.watch else { return }
            inotify_rm_watch(fd, watch)
            s.watch = nil
        }
        #endif
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while read(fd, &buffer, buffer.count) > 0 {}
    }

    private func loop() {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while !state.withLock({ $0.stopped }) {
            descriptor.revents = 0
            guard poll(&descriptor, 1, 250) > 0 else { continue }
            // Events of a watch just removed (and its IN_IGNORED) are read and dropped.
            let armed = state.withLock { s in
                drain()
                return s.watch != nil
            }
            if armed { event.signal() }
        }
        close(fd)
    }

    /// Ends the watching thread (within a quarter second).
    func stop() {
        disarm()
        state.withLock { $0.stopped = true }
    }
}
