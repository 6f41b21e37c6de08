import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Throwaway database servers for the tests: started once per test process on a free loopback port in a temp
/// directory, stopped (and the directory removed) when the process exits. Servers left by a crashed test process
/// are cleaned up by the next one.
public enum TestServers {
    /// A PostgreSQL superuser URL (`postgres://postgres@127.0.0.1:PORT/postgres`); throws when PostgreSQL is missing.
    public static func postgresURL() throws -> String { try postgres.get().url }

    /// A PostgreSQL cluster of its own, for a test that restarts it (others keep using the shared one).
    public static func dedicatedPostgres() throws -> DedicatedServer {
        let server = try PostgresServer.start()
        return DedicatedServer(url: server.url, restart: server.restart)
    }

    static let postgres: Result<PostgresServer, Error> = Result { try PostgresServer.start() }

    /// A PostgreSQL cluster of its own with TLS on (a throwaway self-signed certificate from openssl) and `hba` as its
    /// pg_hba.conf. `setHBA` replaces the rules and restarts the server, so they hold when it returns.
    public static func dedicatedPostgresWithTLS(hba: String) throws -> TLSPostgres {
        let server = try PostgresServer.start()
        try server.enableTLS(hba: hba)
        return TLSPostgres(url: server.url, setHBA: { try server.setHBA($0) })
    }

    /// A Redis URL (`redis://127.0.0.1:PORT/0`) for a throwaway redis-server with AOF on.
    public static func redisURL() throws -> String { try redis.get().url }

    /// A redis-server of its own, for a test that restarts it.
    public static func dedicatedRedis() throws -> DedicatedServer {
        let server = try RedisServer.start()
        return DedicatedServer(url: server.url, restart: server.restart)
    }

    static let redis: Result<RedisServer, Error> = Result { try RedisServer.start() }

    /// Removes `path` (recursively) when the test process exits.
    public static func removeAtExit(_ path: String) {
        cleanup.withLock { $0.append("rm -rf '\(path)'") }
        installExitHandler()
    }
}

/// A TLS-enabled PostgreSQL a single test owns (`TestServers.dedicatedPostgresWithTLS`).
public struct TLSPostgres: Sendable {
    public let url: String
    public let setHBA: @Sendable (String) throws -> Void
}

/// A server a single test owns: its URL and a way to restart it.
public struct DedicatedServer: Sendable {
    public let url: String
    public let restart: @Sendable () throws -> Void
}

final class PostgresServer: @unchecked Sendable {
    let dir: String
    let bin: String
    let port: Int
    var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres" }

    private init(dir: String, bin: String, port: Int) {
        self.dir = dir
        self.bin = bin
        self.port = port
    }

    static func start() throws -> PostgresServer {
        sweepStale(prefix: "taskq-pg-") { dir in _ = try? shell(asPostgres("\(findBin() ?? "")/pg_ctl -D \(dir)/data -m immediate stop")) }
        guard let bin = findBin() else {
            throw TestServerError("PostgreSQL server binaries not found under /usr/lib/postgresql: run `make deps` (apt-get install postgresql)")
        }
        let dir = NSTemporaryDirectory() + "taskq-pg-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        if getuid() == 0 { try shell("chown postgres:postgres \(dir)") }
        try shell(asPostgres("\(bin)/initdb -D \(dir)/data -A trust -U postgres -E UTF8 --no-sync > \(dir)/initdb.log 2>&1"))
        let server = PostgresServer(dir: dir, bin: bin, port: try freePort())
        try server.startServer()
        cleanup.withLock { $0.append("\(asPostgres("\(bin)/pg_ctl -D \(dir)/data -m immediate stop")) >/dev/null 2>&1; rm -rf \(dir)") }
        installExitHandler()
        return server
    }

    private func startServer() throws {
        let options = "-p \(port) -c listen_addresses=127.0.0.1 -k \(dir) -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        try shell(asPostgres("\(bin)/pg_ctl -D \(dir)/data -l \(dir)/server.log -w -t 60 -o '\(options)' start > \(dir)/pg_ctl.log 2>&1 < /dev/null"))
    }

    func restart() throws {
        try shell(asPostgres("\(bin)/pg_ctl -D \(dir)/data -m fast -w -t 60 stop > /dev/null"))
        try startServer()
    }

    func enableTLS(hba: String) throws {
        let data = "\(dir)/data"
        try shell(asPostgres("openssl req -new -x509 -days 2 -nodes -subj /CN=localhost -keyout \(data)/server.key -out \(data)/server.crt > \(dir)/openssl.log 2>&1 && chmod 600 \(data)/server.key && echo 'ssl = on' >> \(data)/postgresql.conf"))
        try setHBA(hba)
    }

    func setHBA(_ rules: String) throws {
        let path = "\(dir)/data/pg_hba.conf"
        try rules.write(toFile: path, atomically: true, encoding: .utf8)
        if getuid() == 0 { try shell("chown postgres:postgres \(path)") }
        try restart()
    }

    static func findBin() -> String? {
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).compactMap(Int.init).sorted()
        return versions.reversed().map { "\(base)/\($0)/bin" }.first { FileManager.default.fileExists(atPath: "\($0)/initdb") }
    }
}

final class RedisServer: @unchecked Sendable {
    let dir: String
    let port: Int
    var url: String { "redis://127.0.0.1:\(port)/0" }

    private init(dir: String, port: Int) {
        self.dir = dir
        self.port = port
    }

    static func start() throws -> RedisServer {
        sweepStale(prefix: "taskq-redis-") { dir in _ = try? shell("kill -9 $(cat \(dir)/redis.pid 2>/dev/null) 2>/dev/null; true") }
        guard FileManager.default.fileExists(atPath: "/usr/bin/redis-server") else {
            throw TestServerError("redis-server not found: run `make deps` (apt-get install redis-server)")
        }
        let dir = NSTemporaryDirectory() + "taskq-redis-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let server = RedisServer(dir: dir, port: try freePort())
        try server.startServer()
        // Stop it before removing its directory: a SIGTERM'd Redis whose AOF directory is gone refuses to exit.
        cleanup.withLock {
            $0.append("redis-cli -p \(server.port) shutdown nosave >/dev/null 2>&1; kill -9 $(cat \(dir)/redis.pid 2>/dev/null) 2>/dev/null; rm -rf \(dir)")
        }
        installExitHandler()
        return server
    }

    private func startServer() throws {
        try shell("/usr/bin/redis-server --port \(port) --bind 127.0.0.1 --dir \(dir) --appendonly yes --appendfsync everysec --save '' --daemonize yes --pidfile \(dir)/redis.pid --logfile \(dir)/redis.log")
        for _ in 0..<200 {
            if (try? shell("redis-cli -p \(port) ping"))?.contains("PONG") == true { return }
            usleep(25_000)
        }
        throw TestServerError("redis-server on port \(port) did not start: see \(dir)/redis.log")
    }

    /// Shuts down (flushing the AOF) and starts again on the same port and data.
    func restart() throws {
        _ = try? shell("redis-cli -p \(port) shutdown")
        for _ in 0..<200 where (try? shell("redis-cli -p \(port) ping")) != nil { usleep(25_000) }
        try startServer()
    }
}

/// `initdb` refuses to run as root: run server commands as the postgres user when we are root.
func asPostgres(_ command: String) -> String {
    getuid() == 0 ? "runuser -u postgres -- sh -c \"\(command.replacingOccurrences(of: "\"", with: "\\\""))\"" : command
}

struct TestServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs a shell command line (test set-up only), throwing with its output on failure. Uses popen/pclose rather
/// than Foundation's Process, whose waitUntilExit can hang on a cooperative-pool thread.
@discardableResult
func shell(_ command: String) throws -> String {
    guard let pipe = popen("(\(command)) 2>&1 < /dev/null", "r") else { throw TestServerError("cannot run `\(command)`") }
    var output = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = fread(&buffer, 1, buffer.count, pipe)
        if n <= 0 { break }
        output.append(contentsOf: buffer[0..<n])
    }
    let status = pclose(pipe)
    let text = String(decoding: output, as: UTF8.self)
    guard status == 0 else { throw TestServerError("`\(command)` failed (status \(status)): \(text)") }
    return text
}

/// The trimmed standard output of a shell command line, or "" when it fails (test helpers only).
public func commandOutput(_ commandLine: String) -> String {
    ((try? shell(commandLine)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
}

/// A string quoted for a POSIX shell.
public func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

/// A free TCP port on 127.0.0.1.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    guard bound == 0 else { throw TestServerError("cannot bind a loopback port") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Shell commands run at process exit to stop servers and remove their directories.
let cleanup = Locked<[String]>([])
private var exitHandlerInstalled = false

func installExitHandler() {
    cleanup.withLock { _ in
        guard !exitHandlerInstalled else { return }
        exitHandlerInstalled = true
        atexit {
            for command in cleanup.withLock({ $0 }) { _ = system(command) }
        }
    }
}

/// Removes `NSTemporaryDirectory()/PREFIX<pid>-…` directories whose process is gone, after `stop(dir)`.
func sweepStale(prefix: String, stop: (String) -> Void) {
    let tmp = NSTemporaryDirectory()
    for name in (try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? [] where name.hasPrefix(prefix) {
        guard let pid = Int32(name.dropFirst(prefix.count).split(separator: "-").first ?? ""), pid != getpid(), kill(pid, 0) != 0 else { continue }
        stop(tmp + name)
        try? FileManager.default.removeItem(atPath: tmp + name)
    }
}

/// A value behind a lock (test support).
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    public init(_ value: Value) { self.value = value }
    @discardableResult
    public func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
