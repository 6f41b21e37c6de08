import TaskKit

/// How `taskq serve` runs: where it listens and what it lets through. docs/server.md describes each setting.
public struct ServerSettings: Sendable {
    /// Address to listen on (`--bind`, default 127.0.0.1:8080).
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// `/metrics` answers without a token (`--public-metrics`).
    public var publicMetrics = false
    /// How long a dashboard login lasts without use.
    public var sessionIdleMillis: Millis = 12 * 3_600_000
    /// Largest request body accepted (413 above it; `--max-body`).
    public var maxBodyBytes = 16 << 20
    /// On SIGTERM or SIGINT, how long requests in flight (and clients still sending one) may take before they are
    /// cut off and the process exits anyway (`--shutdown-grace`).
    public var shutdownGraceMillis: Millis = 10_000
    /// How long a connection may stay silent before it is closed (`--idle-timeout`): a keep-alive connection
    /// between requests, or a client that has not finished sending a request's head or body. A response being
    /// written (an event stream, a long download) is never cut by it.
    public var idleTimeoutMillis: Millis = 30_000
    /// How long a read (GET, HEAD) waits for a store that does not answer before it gets 503 (`--read-timeout`,
    /// `ReadPatienceMiddleware`).
    public var readPatienceSeconds: Double = 10
    /// Largest number of jobs one `POST /api/v1/jobs/bulk` may create.
    public var maxBulkJobs = 10_000
    /// Session cookies carry `Secure` (sent over HTTPS only). `nil`: only when the bind address is not loopback,
    /// so a local `taskq serve` works over plain HTTP and one exposed behind a TLS proxy is safe by default.
    public var secureCookies: Bool?
    /// Failed logins for one user name before it is throttled, and for how long.
    public var loginFailuresAllowed = 5
    public var loginLockMillis: Millis = 60_000
    /// How often the live feed (dashboard updates, SSE) reads the store.
    public var liveIntervalMillis: Millis = 500

    public init() {}

    /// Parses `HOST:PORT`, `:PORT` or `PORT`; IPv6 as `[::1]:8080`. Throws `TaskqError.usage`.
    public static func parseBind(_ text: String) throws -> (host: String, port: Int) {
        func bad() -> TaskqError {
            .usage("invalid --bind '\(TerminalText.escaped(text))': expected HOST:PORT such as 127.0.0.1:8080 or :8080")
        }
        var host = "127.0.0.1"
        var portText = Substring(text)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw bad() }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw bad() }
            portText = rest.dropFirst()
        } else if let colon = text.lastIndex(of: ":") {
            let h = text[..<colon]
            if !h.isEmpty { host = String(h) }
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }),
              let port = Int(portText), (0...65_535).contains(port) else { throw bad() }
        return (host, port)
    }

    /// Whether the listening address is loopback only.
    /// `HOST:PORT` for messages and URLs, an IPv6 host in brackets (`[::1]:8080`).
    public func address(port: Int) -> String { "\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    public var bindsLoopback: Bool { host == "127.0.0.1" || host == "localhost" || host == "::1" || host.hasPrefix("127.") }

    var cookiesSecure: Bool { secureCookies ?? !bindsLoopback }
}
