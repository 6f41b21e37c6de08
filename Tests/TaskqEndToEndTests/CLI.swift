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
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed]) }
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    /// Runs `taskq args…` to completion.
    @discardableResult
    func run(_ args: [String], stdin: String? = nil, timeout: Double = 60) throws -> Result {
        let process = try start(args, stdin: stdin)
        return try process.wait(timeout: timeout)
    }

    /// Starts `taskq args…` in the background.
    func start(_ args: [String], stdin: String? = nil, binary: String? = nil) throws -> RunningCLI {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary ?? CLI.binary)
        process.arguments = args
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let input = Pipe()
            process.standardInput = input
            try process.run()
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        return RunningCLI(process: process, out: out, err: err)
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

/// A background `taskq` process whose output is collected as it runs.
final class RunningCLI: @unchecked Sendable {
    let process: Process
    private let stdoutData = LockedData(), stderrData = LockedData()

    private let drained = DispatchGroup()

    init(process: Process, out: Pipe, err: Pipe) {
        self.process = process
        for (pipe, sink) in [(out, stdoutData), (err, stderrData)] {
            drained.enter()
            let handle = pipe.fileHandleForReading
            Thread.detachNewThread { [drained] in
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    sink.append(chunk)
                }
                drained.leave()
            }
        }
    }

    var pid: Int32 { process.processIdentifier }
    var stderrText: String { stderrData.text }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    func wait(timeout: Double) throws -> CLI.Result {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning {
            process.terminate()
            Issue.record("taskq did not finish within \(timeout)s")
        }
        process.waitUntilExit()
        _ = drained.wait(timeout: .now() + 5) // output fully read (unless a leftover child holds the pipe)
        return CLI.Result(status: process.terminationStatus, stdout: stdoutData.text, stderr: stderrData.text)
    }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ chunk: Data) { lock.lock(); data.append(chunk); lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }
}
