import Foundation
import Testing
import TaskqTestSupport

/// `taskq logs` and `show-job`'s output tails, on every backend, against real workers.
@Suite("End to end: job output and taskq logs")
struct LogsEndToEndTests {
    @Test(arguments: AnyBackend.allCases)
    func logsOfAFinishedShellJob(backend: AnyBackend) throws {
        let cli = try backend.migratedCLI()
        let id = try cli.run(["create-job", "talk", "--", "sh", "-c",
                              #"echo out1; printf 'x\033[2Jy\n'; echo err1 >&2; printf 'a\000b\377\n' >&2"#]).stdout.trimmed
        let loud = try cli.run(["create-job", "loud", "--", "sh", "-c", "seq 1 1000"]).stdout.trimmed
        let echo = try cli.run(["create-job", "quiet", "--task", "echo"]).stdout.trimmed
        let worker = try cli.run(["run-worker", "--burst", "--output-cap", "1KiB"])
        #expect(worker.status == 0, "\(worker.stderr)")

        let text = try cli.run(["logs", id])
        #expect(text.status == 0 && text.stdout == "out1\nx\\x1b[2Jy\n" && text.stderr.isEmpty, "\(text)")
        let raw = try cli.run(["logs", id, "--raw"])
        #expect(raw.stdoutBytes == Data("out1\nx\u{1B}[2Jy\n".utf8))
        let stderrRaw = try cli.run(["logs", id, "--stderr", "--raw"])
        #expect(stderrRaw.status == 0 && stderrRaw.stdoutBytes == Data("err1\na".utf8) + Data([0, 0x62, 0xFF, 0x0A]))
        let stderrText = try cli.run(["logs", id, "--stderr", "--attempt", "1"])
        #expect(stderrText.stdout == "err1\na\\x00b\u{FFFD}\n", "\(stderrText.stdout)")

        // Past the cap: the last 1 KiB, and one note saying how much was dropped.
        let expected = (1...1000).map { "\($0)\n" }.joined()
        let tail = try cli.run(["logs", loud])
        #expect(tail.stdout == String(expected.suffix(1024)))
        #expect(tail.stderr.contains("\(expected.utf8.count - 1024) bytes") && tail.stderr.split(separator: "\n").count == 1, "\(tail.stderr)")

        // No output stored: exit 0, nothing on stdout, a note. No job, or no such attempt: exit 1, one line.
        let quiet = try cli.run(["logs", echo])
        #expect(quiet.status == 0 && quiet.stdout.isEmpty && quiet.stderr.contains("no stdout"), "\(quiet)")
        let missing = try cli.run(["logs", "999"])
        #expect(missing.status == 1 && missing.stdout.isEmpty && missing.stderr == "taskq: error: no job with id 999\n")
        #expect(try cli.run(["logs", id, "--attempt", "2"]).status == 1)

        // show-job prints the tails as text, escaped; its JSON keeps its shape.
        let shown = try cli.run(["show-job", id])
        #expect(shown.stdout.contains("result:       exit code 0"), "\(shown.stdout)")
        #expect(shown.stdout.contains("stdout (attempt 1, last 20 lines):\n  out1\n  x\\x1b[2Jy\n"), "\(shown.stdout)")
        #expect(shown.stdout.contains("stderr (attempt 1, last 20 lines):\n  err1\n  a\\x00b"), "\(shown.stdout)")
        let json = try cli.object(["show-job", id, "--json"])
        #expect(json["output"] == nil && (json["result"] as? [String: Any])?["exit_code"] as? Int == 0)
    }

    @Test(arguments: AnyBackend.allCases)
    func followStreamsARunningJobAndExitsWithHowItEnded(backend: AnyBackend) throws {
        let cli = try backend.migratedCLI()
        let failing = try cli.run(["create-job", "fails", "--max-retries", "0", "--",
                                   "sh", "-c", "echo one; sleep 2; echo two; exit 3"]).stdout.trimmed
        let passing = try cli.run(["create-job", "passes", "--", "sh", "-c", "echo a; sleep 1; echo b >&2; echo c"]).stdout.trimmed
        // Followed before any worker runs them: each follow waits for its job's first attempt.
        let followFailing = try cli.start(["logs", failing, "--follow"])
        let followPassing = try cli.start(["logs", passing, "--follow"])
        // While they wait they say so, once each, on stderr.
        try cli.waitUntil(30, "the waiting notes") {
            followFailing.stderrText == "note: job \(failing) is pending: waiting for attempt 1 to start\n"
                && followPassing.stderrText == "note: job \(passing) is pending: waiting for attempt 1 to start\n"
        }
        let worker = try cli.start(["run-worker", "--poll-interval", "50ms"])
        defer { worker.signal(SIGKILL) }
        try cli.waitUntil(30, "the first line while the job runs") { followFailing.stdoutText == "one\n" }
        #expect(try cli.jobState(failing) == "running")
        let failed = try followFailing.wait(timeout: 30)
        #expect(failed.status == 1 && failed.stdout == "one\ntwo\n", "\(failed)")
        #expect(failed.stderr.hasSuffix("note: job \(failing) attempt 1 ended failed\n"), "\(failed.stderr)")
        #expect(try cli.jobState(failing) == "failed")
        let passed = try followPassing.wait(timeout: 30)
        #expect(passed.status == 0 && passed.stdout == "a\nc\n", "\(passed)")
        #expect(passed.stderr == "note: job \(passing) is pending: waiting for attempt 1 to start\n", "\(passed.stderr)")
        // A finished job's output is printed at once, with the same exit codes.
        #expect(try cli.run(["logs", passing, "--follow", "--stderr"]).stdout == "b\n")
        #expect(try cli.run(["logs", failing, "--follow"]).status == 1)

        // Ctrl-C: exit 130.
        let sleeper = try cli.run(["create-job", "sleeper", "--", "sh", "-c", "echo zz; sleep 30"]).stdout.trimmed
        let followSleeper = try cli.start(["logs", sleeper, "--follow"])
        try cli.waitUntil(30, "the sleeper's output") { followSleeper.stdoutText == "zz\n" }
        followSleeper.signal(SIGINT)
        #expect(try followSleeper.wait(timeout: 10).status == 130)
        #expect(try cli.run(["cancel", sleeper]).status == 0)
        worker.signal(SIGTERM)
        #expect(try worker.wait(timeout: 30).status == 0)
    }

    @Test(arguments: AnyBackend.allCases)
    func hundredMegabytesKeepTheWorkerBoundedAndTheStoredTailExact(backend: AnyBackend) throws {
        let cli = try backend.migratedCLI()
        let total = 100_000_000, cap = 1 << 20
        let id = try cli.run(["create-job", "flood", "--", "sh", "-c", "head -c \(total) /dev/zero | tr '\\0' x"]).stdout.trimmed
        let worker = try cli.start(["run-worker", "--poll-interval", "50ms"])
        defer { worker.signal(SIGKILL) }
        try cli.waitUntil(120, "the flood to complete") { try cli.jobState(id) == "completed" }
        // The worker's peak resident memory, read while it still runs.
        let status = String(decoding: FileHandle(forReadingAtPath: "/proc/\(worker.pid)/status")?.readDataToEndOfFile() ?? Data(), as: UTF8.self)
        let peakKiB = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
        let peak = try #require(peakKiB)
        #expect(peak < 150 * 1024, "worker peak RSS \(peak) KiB")
        worker.signal(SIGTERM)
        #expect(try worker.wait(timeout: 30).status == 0)

        let logs = try cli.run(["logs", id, "--raw"])
        #expect(logs.status == 0)
        #expect(logs.stdoutBytes.count == cap && logs.stdoutBytes.allSatisfy { $0 == UInt8(ascii: "x") })
        #expect(logs.stderr.contains("the first \(total - cap) bytes"), "\(logs.stderr)")
    }
}
