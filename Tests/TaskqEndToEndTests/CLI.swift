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

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    func wait(timeout: Double) throws -> CLI.Result {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning {
            process.terminate()
            Issue.record("taskq did not finish within \(timeout)s")
            // One that ignores SIGTERM too is killed, so a stuck process fails its test instead of hanging the run.
            let killAt = Date().addingTimeInterval(5)
            while process.isRunning && Date() < killAt { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        return CLI.Result(status: process.terminationStatus,
                          stdout: (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "",
                          stderr: stderrText,
                          stdoutBytes: (try? Data(contentsOf: URL(fileURLWithPath: stdoutPath))) ?? Data())
    }
}
