/// Where a Redis store lives. URL forms: `redis://[user:password@]host[:port][/db][?prefix=NAME]` and
/// `unix:///path/to/redis.sock[?db=N&prefix=NAME&user=U&password=P]` (percent-encode reserved characters).
public struct RedisTarget: Sendable, Equatable {
    enum Endpoint: Equatable, Sendable { case tcp(String, Int), unix(String) }
    let endpoint: Endpoint
    let username: String?
    let password: String?
    let database: Int
    /// Every key starts with `PREFIX:`.
    public let prefix: String
    public let display: String

    public static let defaultPrefix = "taskq"

    /// `display` is the URL's password-free form (`DatabaseURL` computes it once, when parsing).
    public init(url: String, display: String) throws {
        self.display = display
        var rest: Substring
        var isUnix = false
        if url.hasPrefix("redis://") { rest = url.dropFirst("redis://".count) }
        else if url.hasPrefix("unix://") { rest = url.dropFirst("unix://".count); isUnix = true }
        else { throw TaskqError.usage("unsupported Redis URL '\(TerminalText.escaped(display))': expected redis://host:port/db or unix:///path") }
        var query: [String: String] = [:]
        if let q = rest.firstIndex(of: "?") {
            // A misspelt parameter (`?prefx=app`) must not silently write under the default prefix.
            let known = isUnix ? ["prefix", "db", "user", "password"] : ["prefix", "user", "password"]
            // `redis://:pa?ss@host`: the '?' was the password's own, so the rest of the password reads as parameters;
            // said so before any of them is quoted as a name.
            if !isUnix, rest[q...].contains("@") {
                throw TaskqError.usage("Redis URL '\(TerminalText.escaped(display))' has an '@' after its '?': percent-encode '@' (%40) in parameter values, and '?' (%3F), '#' (%23) and '&' (%26) in a password")
            }
            for pair in rest[rest.index(after: q)...].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(kv[0]).removingPercentEncodingSimple()
                guard known.contains(name) else {
                    throw TaskqError.usage("unknown parameter '\(TerminalText.escaped(name))' in Redis URL '\(TerminalText.escaped(display))': expected \(known.joined(separator: ", "))")
                }
                guard query[name] == nil else {
                    throw TaskqError.usage("parameter '\(name)' is given twice in Redis URL '\(TerminalText.escaped(display))'")
                }
                query[name] = kv.count > 1 ? String(kv[1]).removingPercentEncodingSimple() : ""
            }
            rest = rest[..<q]
        }
        prefix = query["prefix"] ?? RedisTarget.defaultPrefix
        guard !prefix.isEmpty, !prefix.contains(" ") else { throw TaskqError.usage("invalid Redis key prefix '\(TerminalText.escaped(prefix))'") }
        var user: String? = nil, pass: String? = nil
        if let at = rest.lastIndex(of: "@") {
            let info = rest[..<at]
            if let colon = info.firstIndex(of: ":") {
                user = info[..<colon].isEmpty ? nil : String(info[..<colon]).removingPercentEncodingSimple()
                pass = String(info[info.index(after: colon)...]).removingPercentEncodingSimple()
            } else {
                pass = String(info).removingPercentEncodingSimple()
            }
            rest = rest[rest.index(after: at)...]
        }
        username = user ?? query["user"]
        password = pass ?? query["password"]
        if isUnix {
            guard !rest.isEmpty else { throw TaskqError.usage("Redis URL '\(TerminalText.escaped(display))' has no socket path") }
            endpoint = .unix(String(rest))
            database = Int(query["db"] ?? "0") ?? -1
        } else {
            var hostPort = rest
            var db = 0
            if let slash = rest.firstIndex(of: "/") {
                hostPort = rest[..<slash]
                let dbText = rest[rest.index(after: slash)...]
                if !dbText.isEmpty { db = Int(dbText) ?? -1 }
            }
            var host = "127.0.0.1"
            var port = 6379
            if hostPort.hasPrefix("[") {
                // An IPv6 address in brackets: `[::1]:6380`.
                guard let close = hostPort.firstIndex(of: "]") else {
                    throw TaskqError.usage("invalid IPv6 address in Redis URL '\(TerminalText.escaped(display))': expected [ADDRESS]:PORT")
                }
                host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
                let after = hostPort[hostPort.index(after: close)...]
                if after.hasPrefix(":") { port = Int(after.dropFirst()) ?? -1 } else if !after.isEmpty { port = -1 }
            } else {
                let parts = hostPort.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                if let first = parts.first, !first.isEmpty { host = String(first) }
                if parts.count > 1 { port = Int(parts[1]) ?? -1 }
            }
            guard port > 0 && port < 65536 else { throw TaskqError.usage("invalid port in Redis URL '\(TerminalText.escaped(display))'") }
            endpoint = .tcp(host.isEmpty ? "127.0.0.1" : host, port)
            database = db
        }
        guard database >= 0 else { throw TaskqError.usage("invalid database number in Redis URL '\(TerminalText.escaped(display))'") }
    }
}

extension String {
    /// Decodes %XX escapes (for passwords with reserved characters); leaves malformed escapes as they are.
    func removingPercentEncodingSimple() -> String {
        var bytes: [UInt8] = []
        var i = utf8.startIndex
        while i < utf8.endIndex {
            let c = utf8[i]
            if c == UInt8(ascii: "%"), let h1 = utf8.index(i, offsetBy: 1, limitedBy: utf8.endIndex), h1 < utf8.endIndex,
               let h2 = utf8.index(i, offsetBy: 2, limitedBy: utf8.endIndex), h2 < utf8.endIndex,
               let value = UInt8(String(decoding: [utf8[h1], utf8[h2]], as: UTF8.self), radix: 16) {
                bytes.append(value)
                i = utf8.index(i, offsetBy: 3)
            } else {
                bytes.append(c)
                i = utf8.index(after: i)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
