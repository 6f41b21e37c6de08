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
        var schemas: [String] = []
        var conninfo = url
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            if let q = url.firstIndex(of: "?") {
                var kept: [Substring] = []
                for pair in url[url.index(after: q)...].split(separator: "&") {
                    // Percent-decoded like every other URI parameter.
                    if pair.hasPrefix("schema=") { schemas.append(String(pair.dropFirst("schema=".count)).removingPercentEncodingSimple()) } else { kept.append(pair) }
                }
                conninfo = String(url[..<q]) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
            }
        } else if let taken = Self.takeKeyValue("schema", from: url) {
            schemas = taken.values
            conninfo = taken.rest
        } else {
            // Not a string libpq can read either: left whole, so libpq says what is wrong with it.
            conninfo = url
        }
        guard schemas.count <= 1 else {
            throw TaskqError.usage("database URL \(TerminalText.escaped(display)) gives schema more than once")
        }
        let schema = schemas.first ?? PostgresTarget.defaultSchema
        try PostgresTarget.checkSchemaName(schema)
        self.conninfo = conninfo
        self.schema = schema
        self.display = display
    }

    /// The values of `key` in a libpq key=value string, read as libpq reads them (spaces allowed around `=`; a value
    /// single-quoted, or bare up to the next space; `\\` escapes the next character), and the string without them,
    /// every other entry as written. Nil when the text cannot be read so (an `=` missing, a quote left open).
    static func takeKeyValue(_ key: String, from text: String) -> (values: [String], rest: String)? {
        let s = Array(text.utf8)
        let space: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        var i = 0
        var values: [String] = [], kept: [String] = []
        func skipSpaces() { while i < s.count, space(s[i]) { i += 1 } }
        while true {
            skipSpaces()
            guard i < s.count else { break }
            let start = i
            while i < s.count, s[i] != UInt8(ascii: "="), !space(s[i]) { i += 1 }
            let name = String(decoding: s[start..<i], as: UTF8.self)
            skipSpaces()
            guard i < s.count, s[i] == UInt8(ascii: "=") else { return nil }
            i += 1
            skipSpaces()
            var value: [UInt8] = []
            let quoted = i < s.count && s[i] == UInt8(ascii: "'")
            if quoted { i += 1 }
            var closed = !quoted
            while i < s.count {
                if s[i] == UInt8(ascii: "\\"), i + 1 < s.count { value.append(s[i + 1]); i += 2; continue }
                if quoted && s[i] == UInt8(ascii: "'") { i += 1; closed = true; break }
                if !quoted && space(s[i]) { break }
                value.append(s[i])
                i += 1
            }
            guard closed else { return nil }
            if name == key { values.append(String(decoding: value, as: UTF8.self)) } else { kept.append(String(decoding: s[start..<i], as: UTF8.self)) }
        }
        return (values, kept.joined(separator: " "))
    }

    /// Names taskq's schema may have: an unquoted PostgreSQL identifier of lowercase letters, digits and `_`, at
    /// most 63 bytes, not starting with `pg_` (reserved for the system's schemas). Throws `TaskqError.usage`.
    static func checkSchemaName(_ schema: String) throws {
        let shown = TerminalText.escaped(schema)
        guard isValidIdentifier(schema) || schema.utf8.count > 63 else {
            throw TaskqError.usage("invalid schema name '\(shown)': use lowercase letters, digits and _ (starting with a letter or _)")
        }
        guard schema.utf8.count <= 63 else {
            throw TaskqError.usage("invalid schema name '\(shown)': at most 63 characters (PostgreSQL's limit), it has \(schema.utf8.count)")
        }
        guard !schema.hasPrefix("pg_") else {
            throw TaskqError.usage("invalid schema name '\(shown)': names starting with pg_ are reserved for PostgreSQL's own schemas")
        }
    }

    /// Connection defaults for a server on this machine, where traffic never leaves the host: TLS only if the server
    /// refuses a plain connection (`sslmode=allow`), and no GSSAPI encryption (GSSAPI authentication is unaffected).
    /// libpq's own defaults try both first: a round trip more per connection, and against a server with
    /// `ssl = on` (Debian's default cluster) a TLS handshake, 4.6 ms of a 16 ms `create-job`.
    ///
    /// Fails closed: given only when every host the connection string names (libpq's parse of it, `options`), else
    /// `PGHOST`, is `localhost` or in 127.0.0.0/8 or `::1`, and when nothing else could send the connection elsewhere
    /// or asks for a security setting: no `hostaddr` or `service` (nor `PGHOSTADDR`, `PGSERVICE`), and no `ssl…`,
    /// `gss…`, `requiressl` or `krbsrvname` parameter or environment variable. docs/postgres.md#connections.
    static func loopbackDefaults(options: [String: String], environment: (String) -> String?) -> [(keyword: String, value: String)] {
        let keywords = options.keys
        if keywords.contains(where: { $0 == "hostaddr" || $0 == "service" || $0 == "requiressl" || $0 == "krbsrvname"
                                      || $0.hasPrefix("ssl") || $0.hasPrefix("gss") }) { return [] }
        if securityEnvironment.contains(where: { environment($0) != nil }) { return [] }
        guard let hosts = options["host"] ?? environment("PGHOST"), !hosts.isEmpty else { return [] }
        guard hosts.split(separator: ",", omittingEmptySubsequences: false).allSatisfy({ isLoopback(String($0)) }) else { return [] }
        return [("sslmode", "allow"), ("gssencmode", "disable")]
    }

    /// libpq's environment variables that choose where or how securely to connect (`loopbackDefaults` then stays out).
    static let securityEnvironment = [
        "PGHOSTADDR", "PGSERVICE", "PGSERVICEFILE", "PGSSLMODE", "PGREQUIRESSL", "PGSSLNEGOTIATION", "PGSSLCERT",
        "PGSSLKEY", "PGSSLCERTMODE", "PGSSLROOTCERT", "PGSSLCRL", "PGSSLCRLDIR", "PGSSLSNI", "PGSSLMINPROTOCOLVERSION",
        "PGSSLMAXPROTOCOLVERSION", "PGGSSENCMODE", "PGGSSLIB", "PGGSSDELEGATION", "PGKRBSRVNAME", "PGREQUIREAUTH",
    ]

    /// `localhost`, an address in 127.0.0.0/8, or `::1`. (A socket directory needs no defaults: libpq negotiates
    /// neither TLS nor GSSAPI over a Unix socket.)
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
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
