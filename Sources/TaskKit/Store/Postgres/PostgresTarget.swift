/// Where a PostgreSQL store lives: the libpq connection string, a password-free form for messages, and the schema.
public struct PostgresTarget: Sendable, Equatable {
    /// Passed to libpq as is (URI or key=value); may hold a password: never print it.
    let conninfo: String
    /// Safe for logs and errors.
    public let display: String
    public let schema: String

    public static let defaultSchema = "taskq"

    /// Accepts `postgres://` and `postgresql://` URIs and libpq key=value strings; PG* environment variables fill
    /// what is missing (libpq's rules). A `schema=NAME` parameter (URI query or key=value) picks the schema.
    /// `display` is the URL's password-free form (`DatabaseURL` computes it once, when parsing).
    public init(url: String, display: String) throws {
        var schema = PostgresTarget.defaultSchema
        var conninfo = url
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            if let q = url.firstIndex(of: "?") {
                var kept: [Substring] = []
                for pair in url[url.index(after: q)...].split(separator: "&") {
                    if pair.hasPrefix("schema=") { schema = String(pair.dropFirst("schema=".count)) } else { kept.append(pair) }
                }
                conninfo = String(url[..<q]) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
            }
        } else {
            var kept: [Substring] = []
            for pair in url.split(separator: " ") {
                if pair.hasPrefix("schema=") { schema = String(pair.dropFirst("schema=".count)) } else { kept.append(pair) }
            }
            conninfo = kept.joined(separator: " ")
        }
        guard PostgresTarget.isValidIdentifier(schema) else {
            throw TaskqError.usage("invalid schema name '\(TerminalText.escaped(schema))': use lowercase letters, digits and _ (starting with a letter or _)")
        }
        self.conninfo = conninfo
        self.schema = schema
        self.display = display
    }

    /// Connection defaults for a server on this machine, where traffic never leaves the host: TLS only if the server
    /// refuses a plain connection (`sslmode=allow`), and no GSSAPI encryption (GSSAPI authentication is unaffected).
    /// libpq's own defaults try both first: a round trip more per connection, and against a server with
    /// `ssl = on` (Debian's default cluster) a TLS handshake, 4.6 ms of a 16 ms `create-job`. Given only when every
    /// host the URL names (else `PGHOST`) is a loopback address, `localhost` or a socket directory, and only for what
    /// neither the URL nor `PGSSLMODE` / `PGGSSENCMODE` sets: `?sslmode=require` still insists on TLS.
    /// docs/postgres.md#connections.
    func loopbackDefaults(environment: (String) -> String?) -> [(keyword: String, value: String)] {
        let hosts = (hostParameter ?? environment("PGHOST") ?? "").split(separator: ",", omittingEmptySubsequences: false)
        guard hosts.allSatisfy({ Self.isLoopback(String($0)) }) else { return [] }
        var defaults: [(keyword: String, value: String)] = []
        if parameter("sslmode") == nil && environment("PGSSLMODE") == nil { defaults.append(("sslmode", "allow")) }
        if parameter("gssencmode") == nil && environment("PGGSSENCMODE") == nil { defaults.append(("gssencmode", "disable")) }
        return defaults
    }

    /// The hosts the connection string names (`host` of a URI, `host=` of key=value, or a URI's `?host=`), or nil.
    private var hostParameter: String? {
        if let value = parameter("host") { return value }
        guard conninfo.hasPrefix("postgres://") || conninfo.hasPrefix("postgresql://") else { return nil }
        var authority = conninfo.drop { $0 != "/" }.dropFirst(2)
        if let end = authority.firstIndex(where: { $0 == "/" || $0 == "?" }) { authority = authority[..<end] }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        // host[:port][,host[:port]…]; an IPv6 address is bracketed.
        let hosts = authority.split(separator: ",").map { entry -> Substring in
            if entry.hasPrefix("["), let close = entry.firstIndex(of: "]") { return entry[entry.index(after: entry.startIndex)..<close] }
            return entry.split(separator: ":", maxSplits: 1).first ?? entry
        }
        let joined = hosts.joined(separator: ",")
        return joined.isEmpty ? nil : joined.removingPercentEncodingSimple()
    }

    /// A parameter's value in a URI query (`?sslmode=…`) or a key=value string, or nil.
    private func parameter(_ name: String) -> String? {
        let pairs: [Substring]
        if conninfo.contains("://") {
            guard let q = conninfo.firstIndex(of: "?") else { return nil }
            pairs = conninfo[conninfo.index(after: q)...].split(separator: "&")
        } else {
            pairs = conninfo.split(separator: " ")
        }
        for pair in pairs.reversed() where pair.hasPrefix(name + "=") {
            return String(pair.dropFirst(name.count + 1)).removingPercentEncodingSimple()
        }
        return nil
    }

    /// `localhost`, 127.0.0.0/8, ::1, or a Unix socket directory (an absolute path; libpq's default when no host
    /// is given at all, which never negotiates TLS or GSSAPI).
    static func isLoopback(_ host: String) -> Bool {
        if host.isEmpty || host.hasPrefix("/") || host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// `"taskq"`, safe to splice into SQL (validated identifier).
    var quotedSchema: String { "\"\(schema)\"" }

    /// The LISTEN/NOTIFY channel for this schema.
    var channel: String { "\(schema)_jobs" }

    static func isValidIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, s.count <= 63 else { return false }
        guard first == "_" || ("a"..."z").contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }
}

/// Postgres text-format array literals for `unnest($1::text[])` parameters.
enum PGArray {
    static func text(_ values: [String?]) -> String {
        var out = "{"
        for (i, value) in values.enumerated() {
            if i > 0 { out += "," }
            guard let value else { out += "NULL"; continue }
            out += "\""
            for ch in value.unicodeScalars {
                if ch == "\"" || ch == "\\" { out += "\\" }
                out.unicodeScalars.append(ch)
            }
            out += "\""
        }
        return out + "}"
    }

    static func ints<T: BinaryInteger>(_ values: [T?]) -> String {
        "{" + values.map { $0.map { String($0) } ?? "NULL" }.joined(separator: ",") + "}"
    }

    static func bools(_ values: [Bool]) -> String {
        "{" + values.map { $0 ? "t" : "f" }.joined(separator: ",") + "}"
    }
}
