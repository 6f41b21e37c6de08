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
        if postgresURI, let scheme = url.firstRange(of: "://") {
            let rest = url[scheme.upperBound...]
            // libpq ends the user name and password at the first '@', so with a second one part of the password
            // would be read as the host and quoted back in libpq's error.
            if rest.prefix(while: { $0 != "/" && $0 != "?" }).filter({ $0 == "@" }).count > 1
                || Self.passwordReadAsPort(rest) {
                throw TaskqError.usage("database URL '\(TerminalText.escaped(display))' has more than one '@': "
                                       + "write an '@' in the user name, password or a parameter as %40")
            }
            // An unescaped '/' in the password ends libpq's host part early: it would read "user:pass" as host and
            // port. (An '@' in a query value, `?application_name=me@host`, is not one: '?' or '=' comes before it.)
            if !rest.prefix(while: { $0 != "/" }).contains("@"), display != url, let at = rest.lastIndex(of: "@"),
               case let userinfo = rest[..<at], userinfo.contains(":"), !userinfo.contains(where: { $0 == "?" || $0 == "=" }) {
                throw TaskqError.usage("database URL '\(TerminalText.escaped(display))' has a '/' in its user name or password: "
                                       + "write it as %2F (and '?' as %3F, '@' as %40)")
            }
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

    /// `u@at:pa?ss@host/db` or `u@at:pa/ss@host/db` (an '@' in the user name, a '?' or '/' in the password): libpq
    /// ends the user name at the first '@' and reads `at:pa` as host and port, then quotes the password's rest (as a
    /// query or a port) in its error. Told by a second '@' after a "port" that is no number; an '@' in a parameter of
    /// a URL whose port is a number (`…@h:5/x?options=a@b`) is left alone.
    static func passwordReadAsPort(_ rest: Substring) -> Bool {
        guard let firstAt = rest.firstIndex(of: "@"), !rest[..<firstAt].contains(where: { $0 == "/" || $0 == "?" }),
              rest[rest.index(after: firstAt)...].contains("@") else { return false }
        let hosts = rest[rest.index(after: firstAt)...].prefix(while: { $0 != "/" && $0 != "?" })
        return hosts.split(separator: ",").contains { host in
            let afterBracket = host.hasPrefix("[") ? host[(host.firstIndex(of: "]") ?? host.startIndex)...] : host
            guard let colon = afterBracket.lastIndex(of: ":") else { return false }
            let port = afterBracket[afterBracket.index(after: colon)...]
            return !port.isEmpty && !port.allSatisfy(\.isNumber)
        }
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

    /// Fails closed: whatever the string's form (a URI with a leading space, a password with an unescaped `/` or
    /// `?`, a key=value string with quotes and escapes, a percent-encoded `password` key, a URI as a key=value
    /// `dbname`), what could be a password is replaced.
    private static func redaction(_ url: String) -> (text: String, secrets: [String]) {
        var secrets: [String] = []
        var out = redactingUserinfo(url, into: &secrets)
        out = redactingKeyValues(out, into: &secrets)
        return (out, secrets.sorted { $0.count > $1.count })
    }

    /// `user:***@host` wherever `://` appears: the userinfo ends at the last `@` before a host (the text after it, to
    /// the next `/` or `?`, holds no `=`), as libpq reads it; a password may hold `/`, `?` or `=`. redis:// and
    /// unix:// take a lone userinfo as the password. A string without `://` whose text before its last `@` has a
    /// `:` (`user:pass@host`, `postgres:/u:p@h`) is treated the same, except `sqlite:` paths.
    private static func redactingUserinfo(_ url: String, into secrets: inout [String]) -> String {
        guard url.contains("://") else {
            guard !url.hasPrefix("sqlite:"), !url.contains("="), let at = url.lastIndex(of: "@"),
                  let colon = url[..<at].firstIndex(of: ":") else { return url }
            secrets.append(String(url[url.index(after: colon)..<at]))
            return String(url[...colon]) + "***" + String(url[at...])
        }
        var result = ""
        var remaining = Substring(url)
        while let separator = remaining.firstRange(of: "://") {
            let lonePassword = remaining[..<separator.lowerBound].hasSuffix("redis") || remaining[..<separator.lowerBound].hasSuffix("unix")
            result += remaining[..<separator.upperBound]
            let rest = remaining[separator.upperBound...]
            func userinfoEnd(in segment: Substring) -> Substring.Index? {
                segment.indices.last { index in
                    guard segment[index] == "@" else { return false }
                    let after = segment[segment.index(after: index)...]
                    let host = after[..<(after.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? after.endIndex)]
                    return !host.contains("=") && !host.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" })
                }
            }
            // In the whole rest (a password may hold spaces: `postgres://u:my secret@h/db`) and up to the first white
            // space (a URI as one value of a key=value string: `dbname=postgres://u:p@h user=x`): the later '@' of
            // the two ends the userinfo, so whatever could be the password is masked.
            let toSpace = rest[..<(rest.firstIndex(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) ?? rest.endIndex)]
            let candidates = [userinfoEnd(in: rest), userinfoEnd(in: toSpace)].compactMap { $0 }
            guard let at = candidates.max() else {
                remaining = rest
                continue
            }
            if let colon = rest[..<at].firstIndex(of: ":") {
                secrets.append(String(rest[rest.index(after: colon)..<at]))
                result += rest[...colon] + "***"
            } else if lonePassword {
                secrets.append(String(rest[..<at]))
                result += "***"
            } else {
                result += rest[..<at]
            }
            remaining = rest[at...]
        }
        return result + remaining
    }

    /// `password=***` and `sslpassword=***` (any key ending in `password`, percent-encoded or not) in key=value
    /// strings (`password = 'a\'b'`, `password=a\ b`: libpq's quoting and escapes) and URI query parameters.
    private static func redactingKeyValues(_ text: String, into secrets: inout [String]) -> String {
        var result = ""
        var remaining = Substring(text)
        while let equals = remaining.firstIndex(of: "=") {
            // The key: the word before '=' (spaces allowed around it), percent-decoded for URI query parameters.
            let before = remaining[..<equals]
            let trimmed = before.reversed().drop(while: { " \t\n\r".contains($0) })
            let key = String(trimmed.prefix(while: { !" \t\n?&;".contains($0) }).reversed()).removingPercentEncodingSimple().lowercased()
            result += remaining[...equals]
            var value = remaining[remaining.index(after: equals)...]
            guard key.hasSuffix("password") else {
                remaining = value
                continue
            }
            let spaces = value.prefix(while: { " \t\n\r".contains($0) })
            result += spaces
            value = value[spaces.endIndex...]
            // A quoted value ends at its closing quote, a bare one at a space or '&'; a backslash escapes either.
            let quoted = value.first == "'"
            var end = quoted ? value.index(after: value.startIndex) : value.startIndex
            while end < value.endIndex, quoted ? value[end] != "'" : !" \t\n&".contains(value[end]) {
                if value[end] == "\\" && value.index(after: end) < value.endIndex { end = value.index(after: end) }
                end = value.index(after: end)
            }
            if quoted && end < value.endIndex { end = value.index(after: end) }
            let secret = value[..<end]
            secrets.append(String(secret))
            if quoted { secrets.append(String(secret.dropFirst().dropLast(secret.count > 1 && secret.last == "'" ? 1 : 0))) }
            secrets.append(String(secret).removingPercentEncodingSimple())
            result += "***"
            remaining = value[end...]
        }
        return result + remaining
    }
}
