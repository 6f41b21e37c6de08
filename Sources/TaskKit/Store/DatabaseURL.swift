/// A database URL parsed once: the backend it names with that backend's typed target, and a password-free form
/// for messages. Backends receive the target and never see (or redact) the URL text again.
public struct DatabaseURL: Sendable, Equatable {
    /// The backend a URL names, with what that backend needs to open it.
    public enum Target: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(PostgresTarget)
        case redis(RedisTarget)
    }

    public let target: Target
    /// The URL with any password replaced by `***` (computed once, when parsing): safe for logs and messages.
    public let display: String

    /// The default when no URL is configured: `taskq.sqlite3` in the working directory.
    public static let defaultURL = "sqlite:taskq.sqlite3"
    /// The environment variable between the `--database-url` flag and taskq.toml's `database_url`.
    public static let environmentVariable = "TASKQ_DATABASE_URL"

    /// The URL that applies: `flag` (`--database-url`), else `TASKQ_DATABASE_URL` read through `environment`, else
    /// taskq.toml's `database_url`, else `defaultURL`; then parsed. Empty values count as unset. Throws as `parse`.
    public static func resolve(flag: String?, environment: (String) -> String? = ProcessEnvironment.value,
                               config: TaskqConfig) throws -> DatabaseURL {
        func set(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
        return try parse(set(flag) ?? set(environment(environmentVariable)) ?? set(config.databaseURL) ?? defaultURL)
    }

    /// Accepts `sqlite:PATH`, `sqlite://PATH`, `sqlite:///ABSOLUTE/PATH`; `postgres://…`, `postgresql://…` and
    /// libpq key=value strings (`host=… dbname=…`); `redis://…` and `unix://…`. Throws `TaskqError.usage` for an
    /// unknown scheme or an invalid target; no message holds a password.
    public static func parse(_ url: String) throws -> DatabaseURL {
        let display = redacted(url)
        if url.hasPrefix("sqlite:") {
            var path = String(url.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw TaskqError.usage("database URL '\(TerminalText.escaped(display))' has no file path (example: sqlite:taskq.sqlite3)") }
            return DatabaseURL(target: .sqlite(path: path), display: display)
        }
        let postgresURI = url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
        // libpq ends the user name and password at the first '@', so with a second one part of the password would be
        // read as the host and quoted back in libpq's error.
        if postgresURI, let scheme = url.firstRange(of: "://"),
           url[scheme.upperBound...].prefix(while: { $0 != "/" && $0 != "?" }).filter({ $0 == "@" }).count > 1 {
            throw TaskqError.usage("database URL '\(TerminalText.escaped(display))' has more than one '@' before its host: "
                                   + "write an '@' in the user name or password as %40")
        }
        if postgresURI || (uriScheme(url) == nil && url.contains("=")) {
            return DatabaseURL(target: .postgres(try PostgresTarget(url: url, display: display)), display: display)
        }
        if url.hasPrefix("redis://") || url.hasPrefix("unix://") {
            return DatabaseURL(target: .redis(try RedisTarget(url: url, display: display)), display: display)
        }
        if url.hasPrefix("rediss://") { throw TaskqError.usage("TLS to Redis (rediss://) is not supported; use redis:// or unix://") }
        throw TaskqError.usage("unsupported database URL '\(TerminalText.escaped(display))': expected sqlite:PATH, postgres://… or redis://…")
    }

    /// The URL with any password replaced by `***`, safe for logs and messages: `user:***@host` in URIs,
    /// `password=***` in key=value strings and URI query parameters.
    public static func redacted(_ url: String) -> String { redaction(url).text }

    /// `text` with every password of `url` (and `url` itself) replaced: for messages from a client library that may
    /// quote the connection string it was given (libpq does, for a malformed URI).
    public static func scrubbed(_ text: String, of url: String) -> String {
        let (display, secrets) = redaction(url)
        var out = url.isEmpty ? text : text.replacing(url, with: display)
        for secret in secrets where !secret.isEmpty { out = out.replacing(secret, with: "***") }
        return out
    }

    /// The scheme of a URI (`postgres` of `postgres://…`), or nil: a libpq key=value string is not a URI even when a
    /// value holds `://` (`password=a://b`), since a scheme is only letters, digits, `+`, `-` and `.`.
    static func uriScheme(_ url: String) -> Substring? {
        guard let separator = url.firstRange(of: "://") else { return nil }
        let scheme = url[..<separator.lowerBound]
        guard let first = scheme.first, first.isASCII, first.isLetter,
              scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) else { return nil }
        return scheme
    }

    private static func redaction(_ url: String) -> (text: String, secrets: [String]) {
        var secrets: [String] = []
        var out = url
        if uriScheme(url) != nil, let schemeEnd = out.firstRange(of: "://") {
            let rest = out[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@") {
                if let colon = rest[rest.startIndex..<at].firstIndex(of: ":") {
                    secrets.append(String(rest[rest.index(after: colon)..<at]))
                    out = String(out[..<rest.index(after: colon)]) + "***" + String(out[at...])
                } else if url.hasPrefix("redis") || url.hasPrefix("unix") {
                    // redis://SECRET@host: a lone userinfo is the password.
                    secrets.append(String(rest[..<at]))
                    out = String(out[..<rest.startIndex]) + "***" + String(out[at...])
                }
            }
        }
        // password=… in key=value strings and query parameters, with or without spaces around '='.
        var result = ""
        var remaining = Substring(out)
        while let range = remaining.firstRange(of: "password") {
            result += remaining[..<range.upperBound]
            remaining = remaining[range.upperBound...]
            let afterSpaces = remaining.drop(while: { $0 == " " })
            guard afterSpaces.first == "=" else { continue }
            let value = afterSpaces.dropFirst().drop(while: { $0 == " " })
            result += remaining[..<value.startIndex] + "***"
            let end: Substring.Index
            if value.first == "'" {
                end = value.dropFirst().firstIndex(of: "'").map { value.index(after: $0) } ?? value.endIndex
            } else {
                end = value.firstIndex(where: { $0 == " " || $0 == "&" }) ?? value.endIndex
            }
            secrets.append(String(value[..<end]))
            if value.first == "'" { secrets.append(String(value[..<end].dropFirst().dropLast())) }
            remaining = value[end...]
        }
        return (result + remaining, secrets.sorted { $0.count > $1.count })
    }
}
