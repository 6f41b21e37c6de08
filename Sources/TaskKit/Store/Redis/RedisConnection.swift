import CBackendLoader
import CHiredis
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// A Redis reply (RESP2).
enum RedisValue: Equatable {
    case string(String)
    /// A bulk string kept as bytes (replies read with `binary`).
    case bytes([UInt8])
    case integer(Int64)
    case array([RedisValue])
    case null
    case status(String)
    case error(String)

    var string: String? {
        switch self {
        case let .string(s), let .status(s): return s
        case let .bytes(b): return String(decoding: b, as: UTF8.self)
        case let .integer(i): return String(i)
        default: return nil
        }
    }
    var int: Int64? {
        switch self {
        case let .integer(i): return i
        case let .string(s): return Int64(s)
        case let .bytes(b): return Int64(String(decoding: b, as: UTF8.self))
        default: return nil
        }
    }
    /// A bulk string's bytes (text replies as their UTF-8).
    var bytes: [UInt8]? {
        switch self {
        case let .bytes(b): return b
        case let .string(s): return Array(s.utf8)
        default: return nil
        }
    }
    var array: [RedisValue] { if case let .array(a) = self { return a } else { return [] } }
}

/// One hiredis connection owned by its own serial dispatch queue (hiredis calls block). Uses the argv command
/// functions only. A broken connection is re-established (AUTH, SELECT) on next use.
final class RedisConnection: @unchecked Sendable {
    private let queue: ConnectionQueue
    private var context: UnsafeMutablePointer<redisContext>?
    let target: RedisTarget

    private init(target: RedisTarget, label: String) {
        self.target = target
        self.queue = ConnectionQueue(label: "taskq.redis.\(label)")
    }

    static func connect(_ target: RedisTarget, label: String = "conn") async throws -> RedisConnection {
        var error = [CChar](repeating: 0, count: 512)
        guard taskq_load_hiredis(&error, error.count) == 0 else { throw TaskqError.unavailable(String(cString: error)) }
        let connection = RedisConnection(target: target, label: label)
        try await connection.run { _ in }
        return connection
    }

    deinit { if let context { redisFree(context) } }

    @discardableResult
    func run<T>(_ body: @escaping (RedisConnection) throws -> T) async throws -> T {
        try await queue.run {
            try self.ensureConnected()
            return try body(self)
        }
    }

    func close() async {
        await queue.run {
            if let context = self.context { redisFree(context) }
            self.context = nil
        }
    }

    // MARK: Synchronous API — only inside `run`.

    var fd: Int32 { context?.pointee.fd ?? -1 }

    func ensureConnected() throws {
        if let context, context.pointee.err == 0 { return }
        if let context { redisFree(context) }
        context = nil
        let timeout = timeval(tv_sec: 5, tv_usec: 0)
        let fresh: UnsafeMutablePointer<redisContext>?
        switch target.endpoint {
        case let .tcp(host, port): fresh = redisConnectWithTimeout(host, Int32(port), timeout)
        case let .unix(path): fresh = redisConnectUnixWithTimeout(path, timeout)
        }
        guard let fresh else { throw TaskqError.unavailable("cannot connect to Redis at \(target.display): out of memory") }
        if fresh.pointee.err != 0 {
            let message = String(cString: taskq_redis_errstr(fresh))
            redisFree(fresh)
            throw TaskqError.unavailable("cannot connect to Redis at \(target.display): \(message)")
        }
        context = fresh
        do {
            if let password = target.password {
                _ = try command(target.username.map { ["AUTH", $0, password] } ?? ["AUTH", password])
            }
            if target.database != 0 { _ = try command(["SELECT", String(target.database)]) }
        } catch {
            // lost() may already have freed the context.
            if let context { redisFree(context) }
            context = nil
            throw error
        }
    }

    /// Sends one command and returns its reply; a Redis error reply throws.
    @discardableResult
    func command(_ args: [String]) throws -> RedisValue {
        try append(args)
        return try readReply()
    }

    /// Sends one command of arbitrary bytes (binary-safe: every argument goes with its length) and returns its
    /// reply with bulk strings as `.bytes`.
    @discardableResult
    func command(bytes args: [[UInt8]]) throws -> RedisValue {
        try append(bytes: args)
        return try readReply(binary: true)
    }

    /// Queues a command in the output buffer (sent by the next read). The arguments are copied into one buffer (a
    /// finish of a thousand outcomes has fifteen thousand of them).
    func append(_ args: [String]) throws {
        try append(count: args.count, lengths: args.map { $0.utf8.count }) { index, destination in
            var arg = args[index]
            arg.withUTF8 { bytes in
                if let base = bytes.baseAddress { destination.copyMemory(from: base, byteCount: bytes.count) }
            }
        }
    }

    /// Queues a command of arbitrary bytes: each argument is copied and passed with its length, never as a C string,
    /// so NUL bytes and invalid UTF-8 go through unchanged.
    func append(bytes args: [[UInt8]]) throws {
        try append(count: args.count, lengths: args.map { $0.count }) { index, destination in
            args[index].withUnsafeBytes { raw in
                if let base = raw.baseAddress { destination.copyMemory(from: base, byteCount: raw.count) }
            }
        }
    }

    /// Lays `count` arguments of the given lengths out in one buffer (`copy` fills argument i at its place) and
    /// queues them as one command.
    private func append(count: Int, lengths: [Int], copy: (Int, UnsafeMutableRawPointer) -> Void) throws {
        guard let context else { throw TaskqError.unavailable("not connected to Redis at \(target.display)") }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(1, lengths.reduce(0, +)), alignment: 1)
        defer { buffer.deallocate() }
        var argv: [UnsafePointer<CChar>?] = []
        argv.reserveCapacity(count)
        var offset = 0
        for index in 0..<count {
            let destination = buffer + offset
            copy(index, destination)
            argv.append(UnsafePointer(destination.assumingMemoryBound(to: CChar.self)))
            offset += lengths[index]
        }
        var lengths = lengths
        let rc = redisAppendCommandArgv(context, Int32(count), &argv, &lengths)
        if rc != REDIS_OK { throw lost() }
    }

    /// Reads the next reply (blocking); with `binary`, bulk strings come back as `.bytes`.
    func readReply(binary: Bool = false) throws -> RedisValue {
        guard let context else { throw TaskqError.unavailable("not connected to Redis at \(target.display)") }
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw lost() }
        let reply = raw.assumingMemoryBound(to: redisReply.self)
        defer { freeReplyObject(raw) }
        let value = Self.convert(reply, binary: binary)
        if case let .error(message) = value { throw Self.error(for: message, target: target) }
        return value
    }

    /// Writes pending output without waiting for replies (for the non-blocking listener).
    func flush() throws {
        guard let context else { throw lost() }
        var done: Int32 = 0
        while done == 0 {
            if redisBufferWrite(context, &done) != REDIS_OK { throw lost() }
        }
    }

    /// A complete reply already read from the socket, if any (never blocks).
    func bufferedReply() throws -> RedisValue? {
        guard let context else { throw lost() }
        var raw: UnsafeMutableRawPointer?
        if redisGetReplyFromReader(context, &raw) != REDIS_OK { throw lost() }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        return Self.convert(raw.assumingMemoryBound(to: redisReply.self))
    }

    /// Reads what the socket holds into the reply reader; call only when poll() says it is readable.
    func readSocket() throws {
        guard let context else { throw lost() }
        if redisBufferRead(context) != REDIS_OK { throw lost() }
    }

    private func lost() -> TaskqError {
        let message = context.map { String(cString: taskq_redis_errstr($0)) } ?? "no connection"
        if let context { redisFree(context) }
        context = nil
        return TaskqError.unavailable("connection to Redis at \(target.display) lost: \(message.isEmpty ? "closed" : message)")
    }

    /// The one funnel from Redis error replies to TaskqError. NOSCRIPT and taskq's own script errors (NEWER) stay
    /// `.failed` for the store to handle.
    static func error(for message: String, target: RedisTarget) -> TaskqError {
        let code = message.split(separator: " ").first.map(String.init) ?? message
        switch code {
        case "NOSCRIPT", "NEWER":
            return .failed(message)
        case "LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "READONLY", "MISCONF", "OOM", "CLUSTERDOWN":
            return .temporary("Redis at \(target.display) cannot take writes now: \(message)")
        case "NOAUTH", "WRONGPASS":
            return .unavailable("Redis at \(target.display) refused the login: \(message)")
        case "NOPERM":
            return .unavailable("Redis at \(target.display) does not let this user do what taskq needs (docs/redis.md#acl-users): \(message)")
        default:
            if message.contains("NEWER layout") { return .failed(message) }
            // Full for now, as PostgreSQL's "too many connections" (75 there too).
            if message.contains("max number of clients reached") {
                return .temporary("Redis at \(target.display) takes no more connections now: \(message)")
            }
            if message.contains("user executing the script can't run this command") {
                return .unavailable("Redis at \(target.display) does not let this user run a command of taskq's scripts (docs/redis.md#acl-users): \(message)")
            }
            if message.contains("invalid password") || message.contains("DB index") {
                return .unavailable("Redis at \(target.display) refused the connection settings: \(message)")
            }
            return .unavailable("Redis error at \(target.display): \(message)")
        }
    }

    private static func convert(_ reply: UnsafeMutablePointer<redisReply>, binary: Bool = false) -> RedisValue {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING where binary:
            return .bytes(Array(UnsafeRawBufferPointer(start: r.str, count: Int(r.len))))
        case REDIS_REPLY_STRING:
            return .string(String(decoding: UnsafeRawBufferPointer(start: r.str, count: Int(r.len)), as: UTF8.self))
        case REDIS_REPLY_STATUS:
            return .status(String(cString: r.str))
        case REDIS_REPLY_ERROR:
            return .error(String(cString: r.str))
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(r.integer))
        case REDIS_REPLY_ARRAY:
            return .array((0..<Int(r.elements)).map { convert(r.element[$0]!, binary: binary) })
        default:
            return .null
        }
    }
}
