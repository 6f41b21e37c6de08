import HTTPTypes
import Hummingbird
import TaskKit

/// Dashboard form bodies (`application/x-www-form-urlencoded`), decoded with Hummingbird's form decoder.
enum Forms {
    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, limit: Int = 1 << 20) async throws -> T {
        let buffer = try await RequestBody.bytes(request, limit: limit)
        do {
            return try URLEncodedFormDecoder().decode(type, from: String(buffer: buffer))
        } catch {
            throw Problem(.badRequest, "the form is incomplete or malformed")
        }
    }
}

/// Every dashboard form carries `csrf`.
protocol CSRFForm: Decodable {
    var csrf: String? { get }
}

struct PlainForm: CSRFForm {
    var csrf: String?
}

struct LoginForm: Decodable {
    var username: String?
    var password: String?
    var csrf: String?
    var next: String?
}

struct EnqueueForm: CSRFForm {
    var csrf: String?
    var name: String?
    var task: String?
    var args: String?
    var command: String?
    var queue: String?
    var priority: String?
    var run_at: String?
    var max_retries: String?
    var timeout: String?
    var unique_key: String?

    /// The form as the request `create-job` would build; empty fields take the defaults.
    func request() throws -> JobRequest {
        func value(_ text: String?) -> String? {
            guard let text = text?.trimmingSpaces, !text.isEmpty else { return nil }
            return text
        }
        var request = JobRequest()
        request.name = value(name)
        request.task = value(task)
        if let args = value(args) { request.args = try JSONValue.parse(args, what: "arguments") }
        // The task "auto" (empty) is shell with a command, else echo.
        if let command = value(command) {
            if let task = request.task, task != "shell" {
                throw TaskqError.usage("a command runs the shell task: choose shell or auto as the task, or clear the command")
            }
            // One argument per line, each trimmed of the spaces around it (a textarea shows none of them).
            request.command = command.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
            request.task = "shell"
        } else if request.task == nil {
            request.task = "echo"
        }
        request.queue = value(queue)
        request.priority = value(priority)
        if let runAt = value(run_at) {
            // <input type="datetime-local"> sends 2026-12-01T09:30 (no seconds, no zone): the form says UTC.
            // A time with its own zone (Z, +01:00) is taken as written; the message quotes what was typed.
            let utc = runAt.count == 16 ? runAt + ":00Z" : runAt + "Z"
            if TimeFormat.parse(utc) != nil {
                request.scheduleAt = utc
            } else if TimeFormat.parse(runAt) != nil, runAt.count > 16 {
                request.scheduleAt = runAt
            } else {
                throw TaskqError.usage("invalid time '\(TerminalText.escaped(runAt))': expected YYYY-MM-DDTHH:MM (UTC)")
            }
        }
        if let retries = value(max_retries) {
            guard let n = Int(retries), n >= 0 else { throw TaskqError.usage("invalid retries '\(TerminalText.escaped(retries))': expected a whole number") }
            request.maxRetries = n
        }
        request.timeout = value(timeout)
        request.uniqueKey = value(unique_key)
        if request.name == nil { request.name = request.task }
        return request
    }
}

struct RetryManyForm: CSRFForm {
    var csrf: String?
    var state: String?
    var queue: String?
    var task: String?
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
