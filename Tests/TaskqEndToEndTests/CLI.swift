import Foundation
import Testing
import TaskqTestSupport

/// Runs the built `taskq` binary the way a user does, in its own temporary working directory.
final class CLI: @unchecked Sendable {
    /// The binary next to the test bundle (`swift build` puts both in the same directory), or `$TASKQ_BIN`.
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["TASKQ_BIN"] { return path }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent("taskq").path
    }()

    let dir: String
    var environment: [String: String]

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("taskq-e2e-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "TASKQ_DATABASE_URL")
        env.removeValue(forKey: "TASKQ_CONFIG")
        env["NO_COLOR"] = "1"
        environment = env
    }

    /// Sets or clears `TASKQ_DATABASE_URL` for every command this CLI runs.
    var databaseURL: String? {
        get { environment["TASKQ_DATABASE_URL"] }
        set { environment["TASKQ_DATABASE_URL"] = newValue }
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Standard output as bytes (output that is not UTF-8 reads as "" in `stdout`).
        var stdoutBytes = Data()
        /// Ended by a signal (`status` is then its number), not by exiting.
        var signaled = false
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed]) }
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    /// Runs `taskq args…` to completion.
    @discardableResult
    func run(_ args: [String], stdin: String? = nil, timeout: Double = 60) throws -> Result {
        let process = try start(args, stdin: stdin)
        return try process.wait(timeout: timeout)
    }

    /// Starts `taskq args…` in the background. Standard input, output and error are files, not pipes: a pipe's
    /// write end inherited by a concurrently started process would keep the other end from ever seeing EOF.
    func start(_ args: [String], stdin: String? = nil, binary: String? = nil) throws -> RunningCLI {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary ?? CLI.binary)
        process.arguments = args
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        process.environment = environment
        let id = UUID().uuidString
        let paths = (in: path(".stdin-\(id)"), out: path(".stdout-\(id)"), err: path(".stderr-\(id)"))
        try Data((stdin ?? "").utf8).write(to: URL(fileURLWithPath: paths.in))
        for p in [paths.out, paths.err] { _ = FileManager.default.createFile(atPath: p, contents: nil) }
        process.standardInput = stdin == nil ? FileHandle.nullDevice : FileHandle(forReadingAtPath: paths.in)
        process.standardOutput = FileHandle(forWritingAtPath: paths.out)
        process.standardError = FileHandle(forWritingAtPath: paths.err)
        try process.run()
        return RunningCLI(process: process, stdoutPath: paths.out, stderrPath: paths.err)
    }

    /// Parses stdout as a JSON object.
    func object(_ args: [String]) throws -> [String: Any] {
        let result = try run(args)
        #expect(result.status == 0, "taskq \(args.joined(separator: " ")) failed: \(result.stderr)")
        return (result.json as? [String: Any]) ?? [:]
    }

    func jobState(_ id: String) throws -> String? {
        try object(["show-job", id, "--json"])["state"] as? String
    }

    /// Polls `condition` until it holds or `seconds` pass.
    func waitUntil(_ seconds: Double = 30, _ what: String, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("timed out after \(seconds)s waiting for \(what)")
    }

    var path: (String) -> String { { [dir] in dir + "/" + $0 } }
}

/// A background `taskq` process; its output goes to files read when asked.
final class RunningCLI: @unchecked Sendable {
    let process: Process
    private let stdoutPath: String, stderrPath: String

    init(process: Process, stdoutPath: String, stderrPath: String) {
        self.process = process
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    var pid: Int32 { process.processIdentifier }
    var stderrText: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    /// What the process wrote to stdout so far.
    var stdoutText: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }

    /// Signals the process, unless it has ended and been reaped here (its pid may belong to another process then).
    func signal(_ number: Int32) {
        guard lock.withLock({ reaped == nil }) else { return }
        kill(process.processIdentifier, number)
    }

    /// The exit `reapMissedExit` collected, when Foundation missed it.
    private var reaped: (status: Int32, signaled: Bool)?
    private var zombieSince: Date?
    private let lock = NSLock()

    /// Whether the process still runs. Foundation's `Process` on Linux now and then misses a child's exit: the child
    /// stays a zombie, `isRunning` stays true and `waitUntilExit` never returns (a whole test run hung so, with a
    /// `token create` long finished). A child that has been a zombie for a second is reaped here instead.
    var isRunning: Bool {
        lock.withLock {
            guard reaped == nil, process.isRunning else { return false }
            guard Self.isZombie(process.processIdentifier) else { zombieSince = nil; return true }
            let since = zombieSince ?? Date()
            zombieSince = since
            guard Date().timeIntervalSince(since) >= 1 else { return true }
            var status: Int32 = 0
            guard waitpid(process.processIdentifier, &status, WNOHANG) == process.processIdentifier else { return true }
            let signaled = (status & 0x7f) != 0
            reaped = (signaled ? status & 0x7f : (status >> 8) & 0xff, signaled)
            return false
        }
    }

    private static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[close...].dropFirst(2).first == "Z"
    }

    func wait(timeout: Double) throws -> CLI.Result {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if isRunning {
            process.terminate()
            Issue.record("taskq did not finish within \(timeout)s")
            // One that ignores SIGTERM too is killed, so a stuck process fails its test instead of hanging the run.
            let killAt = Date().addingTimeInterval(5)
            while isRunning && Date() < killAt { Thread.sleep(forTimeInterval: 0.05) }
            if isRunning { signal(SIGKILL) }
            let reapAt = Date().addingTimeInterval(10)
            while isRunning && Date() < reapAt { Thread.sleep(forTimeInterval: 0.05) }
        }
        let exit: (status: Int32, signaled: Bool)
        if let reaped = lock.withLock({ reaped }) {
            exit = reaped
        } else {
            process.waitUntilExit()
            exit = (process.terminationStatus, process.terminationReason == .uncaughtSignal)
        }
        return CLI.Result(status: exit.status,
                          stdout: (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "",
                          stderr: stderrText,
                          stdoutBytes: (try? Data(contentsOf: URL(fileURLWithPath: stdoutPath))) ?? Data(),
                          signaled: exit.signaled)
    }
}
