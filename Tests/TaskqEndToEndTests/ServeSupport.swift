import Foundation
import Testing
import TaskqTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The stores `taskq serve` is tested on: the embedded SQLite file and throwaway PostgreSQL and Redis servers.
enum APIBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres, redis
    var testDescription: String { rawValue }

    /// A CLI on a database of its own: a SQLite file in its directory, a fresh PostgreSQL schema or Redis prefix.
    func cli() throws -> CLI {
        switch self {
        case .sqlite:
            let cli = try CLI()
            cli.databaseURL = "sqlite://\(cli.dir)/taskq.db"
            return cli
        case .postgres: return try ServerBackend.postgres.cli()
        case .redis: return try ServerBackend.redis.cli()
        }
    }
}

/// One HTTP answer as read off the socket.
struct HTTPAnswer: CustomStringConvertible {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: Data

    func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: Any? { try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var array: [Any] { json as? [Any] ?? [] }
    /// A problem+json answer's `detail`.
    var detail: String? { header("Content-Type") == "application/problem+json" ? object["detail"] as? String : nil }
    var description: String { "HTTP \(status) \(text.prefix(300))" }
}

/// A blocking HTTP/1.1 client on a raw loopback socket: every byte sent is the test's own (malformed bodies, cut-off
/// bodies, streams kept open), and nothing is followed, cached or retried behind the test's back.
final class HTTPConnection {
    private let fd: Int32
    private var buffer = Data()

    init(port: Int, timeout: Double = 20) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HTTPTestError("socket() failed") }
        var seconds = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw HTTPTestError("cannot connect to 127.0.0.1:\(port)") }
    }

    deinit { close(fd) }

    func send(_ data: Data) throws {
        var offset = 0
        while offset < data.count {
            let n = data.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, data.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw HTTPTestError("send failed (errno \(errno))") }
            offset += n
        }
    }

    func send(_ text: String) throws { try send(Data(text.utf8)) }

    /// The request head: `Host` and `Content-Length` (when there is a body) added.
    static func head(_ method: String, _ path: String, headers: [String: String], bodyLength: Int?) -> String {
        var lines = ["\(method) \(path) HTTP/1.1", "Host: 127.0.0.1"]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { lines.append("\(name): \(value)") }
        if let bodyLength { lines.append("Content-Length: \(bodyLength)") }
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    /// Reads more bytes into the buffer; false at EOF (or on a timeout or reset).
    @discardableResult
    func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = recv(fd, &chunk, chunk.count, 0)
        guard n > 0 else { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// Reads until `marker` has arrived (true) or the stream ends or `seconds` pass (false): keep-alives alone
    /// must not keep a test waiting forever.
    /// Reads until `marker` has arrived `occurrence` times in all (false when `seconds` pass or the peer closes).
    func read(until marker: String, occurrence: Int = 1, seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while received.components(separatedBy: marker).count - 1 < occurrence { if Date() >= deadline || !fill() { return false } }
        return true
    }

    /// Everything received so far, as text.
    var received: String { String(decoding: buffer, as: UTF8.self) }

    /// Reads until the peer closes (or a read times out, or `seconds` pass: an event stream's keep-alives would
    /// otherwise keep an unending stream read forever).
    func readToEnd(seconds: Double = 60) {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline && fill() {}
    }

    /// Reads one whole response (Content-Length, chunked, or to EOF); `headOnly` for the answer to a HEAD request,
    /// whose headers describe a body that is not sent.
    func response(headOnly: Bool = false) throws -> HTTPAnswer {
        guard read(until: "\r\n\r\n"), let end = buffer.range(of: Data("\r\n\r\n".utf8)) else {
            throw HTTPTestError("no response (connection closed after \(buffer.count) bytes)")
        }
        let headText = String(decoding: buffer[buffer.startIndex..<end.lowerBound], as: UTF8.self)
        buffer = Data(buffer[end.upperBound...])
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw HTTPTestError("bad status line in \(headText)") }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var answer = HTTPAnswer(status: status, headers: headers, body: Data())
        if headOnly { return answer }
        if let length = answer.header("Content-Length").flatMap({ Int($0) }) {
            while buffer.count < length { if !fill() { throw HTTPTestError("body cut short") } }
            answer.body = Data(buffer.prefix(length))
            buffer = Data(buffer.dropFirst(length))
        } else if answer.header("Transfer-Encoding")?.lowercased() == "chunked" {
            while true {
                guard read(until: "\r\n"), let lineEnd = buffer.range(of: Data("\r\n".utf8)) else { throw HTTPTestError("chunk cut short") }
                let size = Int(String(decoding: buffer[buffer.startIndex..<lineEnd.lowerBound], as: UTF8.self), radix: 16) ?? 0
                buffer = Data(buffer[lineEnd.upperBound...])
                while buffer.count < size + 2 { if !fill() { throw HTTPTestError("chunk cut short") } }
                answer.body.append(buffer.prefix(size))
                buffer = Data(buffer.dropFirst(size + 2))
                if size == 0 { break }
            }
        } else if !(100..<200).contains(status) && status != 204 && status != 304 {
            readToEnd()
            answer.body = buffer
            buffer = Data()
        }
        return answer
    }
}

struct HTTPTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A running `taskq serve --bind 127.0.0.1:0` of one test.
final class ServeProcess {
    let process: RunningCLI
    let port: Int

    /// Starts `taskq serve` and waits for its "serving on" line.
    convenience init(cli: CLI, arguments: [String] = []) throws {
        try self.init(started: try cli.start(["serve", "--bind", "127.0.0.1:0"] + arguments))
    }

    /// Waits for a started `taskq serve`'s "serving on" line.
    init(started process: RunningCLI) throws {
        self.process = process
        let deadline = Date().addingTimeInterval(30)
        var found: Int?
        while found == nil && Date() < deadline && process.isRunning {
            let log = process.stderrText
            if let range = log.range(of: #"serving on http://127\.0\.0\.1:(\d+) "#, options: .regularExpression) {
                found = Int(log[range].split(separator: ":").last!.trimmingCharacters(in: .whitespaces))
            } else {
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        guard let found else {
            process.signal(SIGKILL)
            throw HTTPTestError("taskq serve did not start: \(process.stderrText)")
        }
        port = found
    }

    deinit { if process.isRunning { process.signal(SIGKILL) } }

    /// One request on a connection of its own (`Connection: close`). `token` adds the bearer header.
    func request(_ method: String, _ path: String, token: String? = nil, headers: [String: String] = [:],
                 json: String? = nil, body: Data? = nil) throws -> HTTPAnswer {
        var headers = headers
        headers["Connection"] = "close"
        if let token { headers["Authorization"] = "Bearer \(token)" }
        let payload = body ?? json.map { Data($0.utf8) }
        if json != nil && headers["Content-Type"] == nil { headers["Content-Type"] = "application/json" }
        let connection = try HTTPConnection(port: port)
        try connection.send(HTTPConnection.head(method, path, headers: headers, bodyLength: payload?.count))
        if let payload { try connection.send(payload) }
        return try connection.response(headOnly: method == "HEAD")
    }

    /// SIGTERM, then the exit status and how long the exit took.
    func terminate(timeout: Double = 20) throws -> (status: Int32, seconds: Double) {
        let start = Date()
        process.signal(SIGTERM)
        let result = try process.wait(timeout: timeout)
        return (result.status, Date().timeIntervalSince(start))
    }

    var log: String { process.stderrText }
}

/// A migrated store with an admin (and optionally a viewer) holding API tokens, and `taskq serve` on it.
final class APIFixture {
    static let password = "correct horse battery staple"
    let cli: CLI
    var server: ServeProcess
    let admin: String
    let viewer: String?

    init(_ backend: APIBackend, viewer withViewer: Bool = false, serve arguments: [String] = []) throws {
        cli = try backend.cli()
        cli.environment["TASKQ_SUPERUSER_PASSWORD"] = APIFixture.password
        let migrate = try cli.run(["migrate"])
        guard migrate.status == 0 else { throw HTTPTestError("migrate failed: \(migrate.stderr)") }
        // Users, tokens and the server start side by side: the server reads users from the store per request.
        let serving = try cli.start(["serve", "--bind", "127.0.0.1:0"] + arguments)
        var adding = [try cli.start(["createsuperuser", "--noinput", "--username", "admin", "--email", "admin@example.com"])]
        if withViewer { adding.append(try cli.start(["user", "add", "watcher", "--role", "viewer", "--noinput"])) }
        for run in adding {
            let result = try run.wait(timeout: 60)
            guard result.status == 0 else { throw HTTPTestError("adding a user failed: \(result.stderr)") }
        }
        admin = try APIFixture.token(cli, user: "admin")
        viewer = withViewer ? try APIFixture.token(cli, user: "watcher") : nil
        server = try ServeProcess(started: serving)
    }

    static func token(_ cli: CLI, user: String, extra: [String] = []) throws -> String {
        let result = try cli.run(["token", "create", "--user", user] + extra)
        guard result.status == 0, result.stdout.hasPrefix("tq_") else { throw HTTPTestError("token create failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A request as the admin (`token` nil: no credentials at all, use `as:` for another).
    func call(_ method: String, _ path: String, json: String? = nil, headers: [String: String] = [:]) throws -> HTTPAnswer {
        try server.request(method, path, token: admin, headers: headers, json: json)
    }

    /// The CLI's `--json` output for `args`, parsed.
    func cliJSON(_ args: [String]) throws -> Any? {
        let result = try cli.run(args)
        #expect(result.status == 0, "taskq \(args.joined(separator: " ")): \(result.stderr)")
        return result.json
    }

    /// The CLI's one-line error for `args`: the text after `taskq: error: `, without the `(see 'taskq … --help')`
    /// hint a usage error ends with.
    func cliError(_ args: [String]) throws -> String {
        let result = try cli.run(args)
        #expect(result.status != 0, "taskq \(args.joined(separator: " ")) should have failed")
        var line = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "taskq: error: ", with: "")
        if let hint = line.range(of: #" \(see 'taskq [a-z -]+ --help'\)$"#, options: .regularExpression) { line.removeSubrange(hint) }
        return line
    }

    /// Logs in to the dashboard as `user` (`ServeProcess.login`).
    func login(user: String = "admin") throws -> (cookie: String, csrf: String) {
        try server.login(user: user)
    }
}

extension String {
    /// The first capture group of `pattern`, or nil.
    func firstMatch(_ pattern: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: self, range: NSRange(startIndex..., in: self)), match.numberOfRanges > 1,
              let range = Range(match.range(at: 1), in: self) else { return nil }
        return String(self[range])
    }
}

/// JSON values compared as values: both written out again with sorted keys.
func sameJSON(_ a: Any?, _ b: Any?) -> Bool {
    func canonical(_ value: Any?) -> Data? {
        guard let value else { return nil }
        return try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
    }
    guard let x = canonical(a), let y = canonical(b) else { return false }
    return x == y
}

extension ServeProcess {
    /// Logs in to the dashboard as `user` (GET /login for the form token, POST /login): the session cookie and the
    /// session's CSRF token (from a page's logout form).
    func login(user: String = "admin", password: String = APIFixture.password) throws -> (cookie: String, csrf: String) {
        let form = try request("GET", "/login")
        guard let loginCookie = form.header("Set-Cookie")?.firstMatch(#"taskq_login_csrf=([^;]+)"#),
              let field = form.text.firstMatch(#"name="csrf" value="([^"]+)""#) else { throw HTTPTestError("no login form token: \(form)") }
        let body = "username=\(user)&password=\(password.replacingOccurrences(of: " ", with: "+"))&csrf=\(field)&next=%2F"
        let answer = try request("POST", "/login", headers: ["Cookie": "taskq_login_csrf=\(loginCookie)",
                                                                     "Content-Type": "application/x-www-form-urlencoded"],
                                        body: Data(body.utf8))
        guard answer.status == 303, let session = answer.headers.lazy.compactMap({ $0.value.firstMatch(#"taskq_session=([^;]+)"#) }).first(where: { !$0.isEmpty }) else {
            throw HTTPTestError("login failed: \(answer)")
        }
        let page = try request("GET", "/jobs", headers: ["Cookie": "taskq_session=\(session)", "Accept": "text/html"])
        guard let csrf = page.text.firstMatch(#"name="csrf" value="([^"]+)""#) else { throw HTTPTestError("no session CSRF token in \(page)") }
        return (session, csrf)
    }
}
