import CTaskqSupport
import TaskKit
#if canImport(Glibc)
import Glibc
#endif

/// Questions on a terminal for `createsuperuser`, `changepassword` and `user add`: prompts on stderr (stdout stays
/// for results and `--json`), answers from standard input; passwords with echo off, restored on every way out
/// (answer, end of input, error, and SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGTSTP through the C handler). A rejected answer
/// is explained (`Error: …`) and asked again, at most `attempts` times.
enum Prompt {
    /// The environment variable `--noinput` reads the password from.
    static let passwordVariable = "TASKQ_SUPERUSER_PASSWORD"
    static let attempts = 3

    /// True when standard input is a terminal.
    static var interactive: Bool { isatty(0) == 1 }

    /// Refuses a command that would have to prompt without a terminal.
    static func requireTerminal(_ command: String) throws {
        guard interactive else {
            throw TaskqError.usage("\(command) needs a terminal to prompt on; without one, pass --noinput and set \(passwordVariable)")
        }
    }

    /// The password for `--noinput`, from `TASKQ_SUPERUSER_PASSWORD`.
    static func passwordFromEnvironment() throws -> String {
        guard let password = ProcessEnvironment.value(passwordVariable), !password.isEmpty else {
            throw TaskqError.usage("--noinput takes the password from \(passwordVariable), which is not set or empty")
        }
        return password
    }

    /// One answer, asked again while `check` throws a `TaskqError` (its message shown as `Error: …`).
    static func ask(_ question: String, hidden: Bool = false, check: (String) async throws -> Void = { _ in }) async throws -> String {
        var last: TaskqError?
        for _ in 0..<attempts {
            let answer = try read(question, hidden: hidden)
            do {
                try await check(answer)
                return answer
            } catch let error as TaskqError {
                if case .unavailable = error { throw error }
                if case .temporary = error { throw error }
                fputs("Error: \(TerminalText.escaped(error.description))\n", stderr)
                last = error
            }
        }
        throw last ?? TaskqError.usage("no valid answer")
    }

    /// A new password for `user`, typed twice; refused ones (mismatch, `CredentialRules`) are asked again.
    static func newPassword(for user: String) async throws -> String {
        try await ask("Password: ", hidden: true) { first in
            try CredentialRules.checkPassword(first, userName: user)
            let again = try read("Password (again): ", hidden: true)
            guard ConstantTime.equal(first, again) else { throw TaskqError.usage("your passwords didn't match") }
        }
    }

    /// Reads one line after printing `question` on stderr. End of input cancels the command (exit 1).
    static func read(_ question: String, hidden: Bool) throws -> String {
        fputs(question, stderr)
        fflush(stderr)
        let echoOff = hidden && taskq_echo_off(0) == 0
        let line = readLine(strippingNewline: true)
        if echoOff {
            taskq_echo_restore()
            fputs("\n", stderr)
        }
        guard let line else {
            if !echoOff { fputs("\n", stderr) }
            throw TaskqError.failed("cancelled: no input")
        }
        return line.hasSuffix("\r") ? String(line.dropLast()) : line
    }
}
