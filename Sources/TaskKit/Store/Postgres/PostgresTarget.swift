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
