#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import CTaskqSupport

/// How a child process ended and the tails of what it wrote.
public struct ProcessOutcome: Sendable, Equatable {
    /// Exit status when it exited normally.
    public var exitCode: Int32?
    /// The signal that ended it, if any.
    public var signal: Int32?
    public var stdoutTail: String
    public var stderrTail: String

    /// `exit code 3` or `killed by signal 15 (SIGTERM)`.
    public var statusText: String {
        if let exitCode { return "exit code \(exitCode)" }
        if let signal { return "killed by signal \(signal) (\(ChildProcess.signalName(signal)))" }
        return "unknown status"
    }
}

/// Runs an argv directly (no shell) in its own process group, capturing the tails of stdout and stderr.
/// Cancelling the awaiting task stops the whole group: SIGTERM, then SIGKILL after the grace period. On Linux the
/// group also dies with this process, even when it is killed with SIGKILL (a supervisor, see `spawnSupervised`).
public enum ChildProcess {
    /// Bytes of stdout and stderr kept for the result.
    public static let tailBytes = 4096
    /// Largest single read from a pipe (the pipe buffer's size on Linux).
    static let readBytes = 65_536

    /// Receives every chunk read from the child, in order, on the reader thread; it must not block.
    public typealias OutputHandler = @Sendable (OutputStreamName, ArraySlice<UInt8>) -> Void

    /// Runs `argv` and waits for it. The pipes are read on a thread of their own (never the cooperative pool); every
    /// chunk goes to `output` as it is read and only the tails (`tailBytes`) are kept in memory, so a child printing
    /// without end costs a bounded amount of memory here.
    public static func run(argv: [String], cwd: String? = nil, environment: [String: String] = [:],
                           killGraceMillis: Int64 = 5_000, output: OutputHandler? = nil) async throws -> ProcessOutcome {
        guard let program = argv.first, !program.isEmpty else { throw TaskFailure("shell task has an empty command") }
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard taskq_pipe_cloexec(&outPipe) == 0 else { throw TaskFailure("pipe: \(errnoText())") }
        guard taskq_pipe_cloexec(&errPipe) == 0 else {
            close(outPipe[0]); close(outPipe[1])
            throw TaskFailure("pipe: \(errnoText())")
        }
        let pid: pid_t
        do {
            pid = try spawn(argv: argv, cwd: cwd, environment: environment, stdout: outPipe[1], stderr: errPipe[1])
        } catch {
            for fd in outPipe + errPipe { close(fd) }
            throw error
        }
        close(outPipe[1]); close(errPipe[1])
        let state = ChildState(pid: pid)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ProcessOutcome, Never>) in
                BlockingThread.start {
                    continuation.resume(returning: collect(pid: pid, stdoutFD: outPipe[0], stderrFD: errPipe[0], state: state,
                                                       output: output))
                }
            }
        } onCancel: {
            state.terminate(graceMillis: killGraceMillis)
        }
    }

    private static func spawn(argv: [String], cwd: String?, environment: [String: String],
                              stdout: Int32, stderr: Int32) throws -> pid_t {
        if let cwd, access(cwd, X_OK) != 0 {
            throw TaskFailure("cannot run in directory \(cwd): \(String(cString: strerror(errno)))")
        }
        var argv = argv
        if let path = environment["PATH"], !argv[0].contains("/") {
            // As `env PATH=… command` and a crontab's PATH= line do: the job's own PATH finds its command.
            guard let found = lookUp(argv[0], in: path, cwd: cwd) else {
                throw TaskFailure("command not found: \(argv[0]) (in the job's PATH)")
            }
            argv[0] = found
        }
        #if os(Linux)
        return try spawnSupervised(argv: argv, cwd: cwd, environment: environment, stdout: stdout, stderr: stderr)
        #else
        return try posixSpawn(argv: argv, cwd: cwd, environment: environment, stdout: stdout, stderr: stderr)
        #endif
    }

    /// Linux: the job runs under a supervisor that leads its process group and kills that group when this process
    /// dies, even by SIGKILL (`taskq_spawn_supervised`), so a killed worker leaves no job processes behind to run
    /// beside the rescued attempt. The returned pid is the supervisor's, which is also the group id.
    private static func spawnSupervised(argv: [String], cwd: String?, environment: [String: String],
                                        stdout: Int32, stderr: Int32) throws -> pid_t {
        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = mergedEnvironment(environment).map { strdup($0) } + [nil]
        defer {
            cArgv.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: Int32 = 0
        let rc = taskq_spawn_supervised(cArgv, cEnv, cwd, stdout, stderr, &pid)
        try check(spawnResult: rc, argv: argv, cwd: cwd)
        return pid
    }

    private static func check(spawnResult rc: Int32, argv: [String], cwd: String?) throws {
        guard rc == 0 else {
            if rc == ENOENT { throw TaskFailure("command not found: \(argv[0])") }
            if rc == EACCES { throw TaskFailure("permission denied: \(argv[0])") }
            throw TaskFailure("cannot start \(argv[0]): \(String(cString: strerror(rc)))")
        }
    }

    /// The first executable regular file named `command` in the directories of `path` (an empty entry is the
    /// working directory, as for `execvp`), as the child will name it: a relative entry stays relative, since the
    /// child runs in `cwd` (where it is looked for here).
    static func lookUp(_ command: String, in path: String, cwd: String?) -> String? {
        for entry in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (entry.isEmpty ? "." : String(entry)) + "/" + command
            let here = candidate.hasPrefix("/") ? candidate : cwd.map { $0 + "/" + candidate } ?? candidate
            var info = stat()
            if stat(here, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, access(here, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    /// The worker's environment with the job's `environment` over it. `TASKQ_SUPERUSER_PASSWORD` (only ever meant for
    /// `createsuperuser --noinput`) is left out: no job needs it, and a job that prints its environment would store it.
    private static func mergedEnvironment(_ environment: [String: String]) -> [String] {
        var env = currentEnvironment()
        env.removeValue(forKey: "TASKQ_SUPERUSER_PASSWORD")
        for (key, value) in environment { env[key] = value }
        return env.map { "\($0.key)=\($0.value)" }
    }

    private static func posixSpawn(argv: [String], cwd: String?, environment: [String: String],
                                   stdout: Int32, stderr: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        if let cwd {
            guard taskq_spawn_file_actions_addchdir(&actions, cwd) == 0 else {
                throw TaskFailure("cannot run in directory \(cwd): this system's posix_spawn cannot change directory")
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)

        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = mergedEnvironment(environment).map { strdup($0) } + [nil]
        defer {
            cArgv.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid = pid_t()
        let rc = posix_spawnp(&pid, argv[0], &actions, &attributes, cArgv, cEnv)
        try check(spawnResult: rc, argv: argv, cwd: cwd)
        return pid
    }

    /// Reads both pipes until the child has exited and its output is drained (or, when grandchildren keep the
    /// pipes open, shortly after it exited), then reaps it. Runs on its own thread.
    private static func collect(pid: pid_t, stdoutFD: Int32, stderrFD: Int32, state: ChildState,
                                output: OutputHandler?) -> ProcessOutcome {
        var out = TailBuffer(limit: tailBytes), err = TailBuffer(limit: tailBytes)
        var fds = [pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0), pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)]
        var open = [true, true]
        var status: Int32 = 0
        var reapedAt: Double? = nil
        var buffer = [UInt8](repeating: 0, count: readBytes)
        while open[0] || open[1] {
            for i in 0..<2 { fds[i].fd = open[i] ? (i == 0 ? stdoutFD : stderrFD) : -1 }
            let ready = poll(&fds, 2, reapedAt == nil ? 100 : 20)
            if ready > 0 {
                for i in 0..<2 where open[i] && fds[i].revents != 0 {
                    let n = read(fds[i].fd, &buffer, buffer.count)
                    if n > 0 {
                        if i == 0 { out.append(buffer[0..<n]) } else { err.append(buffer[0..<n]) }
                        output?(i == 0 ? .stdout : .stderr, buffer[0..<n])
                    } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                        open[i] = false
                    }
                }
            }
            if reapedAt == nil, taskq_child_exited_nowait(pid) == 1 {
                // The leader is gone but not yet reaped, so its group id is still ours: a job being stopped has
                // the rest of its group killed now (a child that ignored SIGTERM must not outlive the attempt).
                state.killRemainingIfStopping()
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                state.markExited()
                reapedAt = Clock.monotonicSeconds()
            }
            if let reapedAt, Clock.monotonicSeconds() - reapedAt > 0.2 { break }
        }
        close(stdoutFD); close(stderrFD)
        if reapedAt == nil {
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            state.markExited()
        }
        let exited = (status & 0x7f) == 0
        return ProcessOutcome(exitCode: exited ? (status >> 8) & 0xff : nil, signal: exited ? nil : status & 0x7f,
                              stdoutTail: out.text, stderrTail: err.text)
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGTERM: return "SIGTERM"
        case SIGKILL: return "SIGKILL"
        case SIGINT: return "SIGINT"
        case SIGSEGV: return "SIGSEGV"
        case SIGABRT: return "SIGABRT"
        case SIGHUP: return "SIGHUP"
        case SIGPIPE: return "SIGPIPE"
        case SIGQUIT: return "SIGQUIT"
        default: return "signal \(signal)"
        }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }

    private static func currentEnvironment() -> [String: String] {
        var env: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") { env[String(text[..<eq])] = String(text[text.index(after: eq)...]) }
            pointer += 1
        }
        return env
    }
}

/// Whether the child is still ours to signal; guards against signalling a reused process group id.
private final class ChildState: @unchecked Sendable {
    let pid: pid_t
    private var lock = pthread_mutex_t()
    private var exited = false

    init(pid: pid_t) {
        self.pid = pid
        pthread_mutex_init(&lock, nil)
    }

    deinit { pthread_mutex_destroy(&lock) }

    func markExited() {
        pthread_mutex_lock(&lock); exited = true; pthread_mutex_unlock(&lock)
    }

    private func signalGroup(_ signal: Int32) {
        pthread_mutex_lock(&lock)
        if !exited { kill(-pid, signal) }
        pthread_mutex_unlock(&lock)
    }

    private var stopping = false

    /// After the leader exited (unreaped) during a stop: SIGKILL whatever is left of its group.
    func killRemainingIfStopping() {
        pthread_mutex_lock(&lock)
        if stopping && !exited { kill(-pid, SIGKILL) }
        pthread_mutex_unlock(&lock)
    }

    /// SIGTERM to the group now, SIGKILL after the grace period if it is still there.
    func terminate(graceMillis: Int64) {
        pthread_mutex_lock(&lock); stopping = true; pthread_mutex_unlock(&lock)
        signalGroup(SIGTERM)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(max(0, graceMillis)))) { [self] in
            signalGroup(SIGKILL)
        }
    }
}

/// Keeps the last `limit` bytes written to it.
struct TailBuffer {
    let limit: Int
    private var bytes: [UInt8] = []
    private var truncated = false

    init(limit: Int) { self.limit = limit }

    mutating func append(_ chunk: ArraySlice<UInt8>) {
        bytes.append(contentsOf: chunk)
        if bytes.count > limit * 2 {
            bytes.removeFirst(bytes.count - limit)
            truncated = true
        }
    }

    var text: String {
        let kept = bytes.count > limit ? Array(bytes.suffix(limit)) : bytes
        let body = String(decoding: kept, as: UTF8.self)
        return (truncated || bytes.count > limit) ? "…" + body : body
    }
}
