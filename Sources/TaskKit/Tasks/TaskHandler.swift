import Logging

/// Runs one kind of task. Handlers must honour Swift task cancellation: the worker cancels the handler's task when
/// the job times out, is cancelled, or the worker's shutdown grace period ends.
public protocol TaskHandler: Sendable {
    /// The task name jobs refer to.
    var name: String { get }
    /// One line for `taskq list-tasks`.
    var description: String { get }
    /// Runs one attempt. Return the job's result; throw to fail the attempt (it is retried per the job's policy).
    func run(_ context: JobContext) async throws -> JSONValue
}

/// What a handler gets for one attempt.
public struct JobContext: Sendable {
    public let job: Job
    public let logger: Logger
    /// Grace between SIGTERM and SIGKILL when a shell task's process group is stopped.
    public let killGraceMillis: Int64
    /// The attempt's output (stdout, stderr), kept in the store as `taskq logs` shows it; the shell task writes its
    /// child's output here. Discards everything outside a worker.
    public let output: JobOutputSink

    public init(job: Job, logger: Logger, killGraceMillis: Int64 = 5_000, output: JobOutputSink = .discarding) {
        self.job = job
        self.logger = logger
        self.killGraceMillis = killGraceMillis
        self.output = output
    }

    /// The job's arguments.
    public var args: JSONValue { job.args }

    /// Decodes the arguments into `T`; a mismatch fails the job at once (a permanent `TaskFailure`: the same
    /// arguments would not fit on a retry either) with a clear message.
    public func decodeArgs<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        do { return try job.args.decode(T.self) } catch let error as DecodingError {
            throw TaskFailure("arguments do not match \(T.self): \(Self.describe(error))", permanent: true)
        } catch {
            throw TaskFailure("arguments do not match \(T.self): \(error)", permanent: true)
        }
    }

    /// A decoding error as a user reads it: `missing key 'name'`, `'to.port' must be an integer, not a string`.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue, key.stringValue.hasPrefix("Index") { text += "[\(index)]" }
                else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text
        }
        func kind(_ type: Any.Type) -> String {
            switch type {
            case is String.Type, is Substring.Type: return "a string"
            case is Bool.Type: return "true or false"
            case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type: return "an integer"
            case is Double.Type, is Float.Type: return "a number"
            default:
                let name = String(describing: type)
                return name.hasPrefix("Array") ? "a list" : name.hasPrefix("Dictionary") ? "an object" : name
            }
        }
        switch error {
        case let .keyNotFound(key, context):
            return "missing key '\(path(context.codingPath + [key]))'"
        case let .valueNotFound(type, context):
            return "'\(path(context.codingPath))' is null, expected \(kind(type))"
        case let .typeMismatch(type, context):
            return "'\(path(context.codingPath))' must be \(kind(type))"
        case let .dataCorrupted(context):
            let at = path(context.codingPath)
            return (at.isEmpty ? "" : "'\(at)': ") + context.debugDescription
        @unknown default:
            return "\(error)"
        }
    }
}

/// A failure with a message meant for the job's `error` field. `permanent`: no retry can succeed (arguments that
/// do not fit the handler, a record that no longer exists), so the job fails at once, whatever retries it has left.
public struct TaskFailure: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let permanent: Bool
    public init(_ message: String, permanent: Bool = false) {
        self.message = message
        self.permanent = permanent
    }
    public var description: String { message }
}

/// A handler made from a closure over typed, Codable arguments.
public struct ClosureTask<Arguments: Decodable & Sendable, Output: Encodable & Sendable>: TaskHandler {
    public let name: String
    public let description: String
    let body: @Sendable (Arguments, JobContext) async throws -> Output

    public init(name: String, description: String, body: @escaping @Sendable (Arguments, JobContext) async throws -> Output) {
        self.name = name
        self.description = description
        self.body = body
    }

    public func run(_ context: JobContext) async throws -> JSONValue {
        let arguments = try context.decodeArgs(Arguments.self)
        let output = try await body(arguments, context)
        return try JSONValue.from(output)
    }
}
