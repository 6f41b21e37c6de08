/// A strict reader of the TOML that `taskq.toml` uses, into `JSONValue` (tables become objects in file order).
///
/// It covers TOML 1.0 but for dates and times and arrays of tables (`[[x]]`), which taskq's settings never take:
/// `[table]` and `[dotted."quoted".table]` headers, bare, quoted and dotted keys, basic and literal strings (also
/// multi-line), integers (decimal, `0x`, `0o`, `0b`, with `_`), floats, booleans, arrays and inline tables. `nan` and
/// `inf` are refused with the key's name: no setting takes them. Any input, however malformed (NUL bytes, invalid
/// UTF-8, deep nesting), gives `Failure` with a line and a one-line reason that never quotes the input.
struct TOMLReader {
    /// Why and where (1-based line) the text is not accepted.
    struct Failure: Error, Equatable {
        var line: Int
        var reason: String
        /// False when the text is TOML but a value is refused (`nan`, `inf`).
        var syntax = true
    }

    /// Nesting of arrays and inline tables beyond this is refused.
    static let maxDepth = 64

    static func parse(_ bytes: [UInt8]) throws -> JSONValue { try parseWithLines(bytes).json }

    /// The document and the 1-based line where each table header and each key was written (full key paths; a
    /// value inside an inline table or array counts as its key's line), so a refused setting can name its line.
    static func parseWithLines(_ bytes: [UInt8]) throws -> (json: JSONValue, lines: [[String]: Int]) {
        var reader = TOMLReader(bytes: bytes)
        try reader.checkEncoding()
        try reader.document()
        return (reader.root.json, reader.lines)
    }

    static func parse(_ text: String) throws -> JSONValue { try parse(Array(text.utf8)) }

    /// A table under construction: ordered keys; `defined` marks tables made by a header or a key (not just implied
    /// by a dotted header), which may not be defined again; `frozen` marks inline tables, closed once written.
    private final class Table {
        var keys: [String] = []
        var values: [String: Node] = [:]
        var defined = false
        var frozen = false

        var json: JSONValue { .object(keys.map { ($0, values[$0]!.json) }) }
    }

    private enum Node {
        case value(JSONValue)
        case table(Table)

        var json: JSONValue {
            switch self {
            case let .value(v): return v
            case let .table(t): return t.json
            }
        }
    }

    private let bytes: [UInt8]
    private var i = 0
    private var line = 1
    private var depth = 0
    private let root = Table()
    private var current: Table
    private var currentPath: [String] = []
    /// Where each header and key was written (`parseWithLines`).
    private var lines: [[String]: Int] = [:]

    private init(bytes: [UInt8]) {
        self.bytes = bytes
        current = root
    }

    private func fail(_ reason: String) -> Failure { Failure(line: line, reason: reason) }

    private var atEnd: Bool { i >= bytes.count }
    private var peek: UInt8 { i < bytes.count ? bytes[i] : 0 }

    private func peek(_ offset: Int) -> UInt8 { i + offset < bytes.count ? bytes[i + offset] : 0 }

    /// Valid UTF-8 and no control characters but tab, newline and a CR before a newline, checked up front so every
    /// later step works on clean text.
    private mutating func checkEncoding() throws {
        var k = 0
        var line = 1
        while k < bytes.count {
            let b = bytes[k]
            if b == 0x0A { line += 1; k += 1; continue }
            if b < 0x80 {
                if b == 0x0D, k + 1 < bytes.count, bytes[k + 1] == 0x0A { k += 1; continue }
                if (b < 0x20 && b != 0x09) || b == 0x7F {
                    throw Failure(line: line, reason: b == 0 ? "NUL byte" : "control character \(TerminalText.escaped(String(UnicodeScalar(b))))")
                }
                k += 1
                continue
            }
            let length: Int
            let minimum: UInt32
            switch b {
            case 0xC2...0xDF: length = 2; minimum = 0x80
            case 0xE0...0xEF: length = 3; minimum = 0x800
            case 0xF0...0xF4: length = 4; minimum = 0x10000
            default: throw Failure(line: line, reason: "invalid UTF-8")
            }
            guard k + length <= bytes.count else { throw Failure(line: line, reason: "invalid UTF-8") }
            var scalar = UInt32(b) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            for n in 1..<length {
                let c = bytes[k + n]
                guard c & 0xC0 == 0x80 else { throw Failure(line: line, reason: "invalid UTF-8") }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else {
                throw Failure(line: line, reason: "invalid UTF-8")
            }
            k += length
        }
    }

    // MARK: Document structure

    private mutating func document() throws {
        while true {
            skipBlank()
            if atEnd { return }
            switch peek {
            case 0x0A, 0x0D, UInt8(ascii: "#"): break
            case UInt8(ascii: "["): try header()
            default: try keyValue(into: current)
            }
            try endOfLine()
        }
    }

    private mutating func skipBlank() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func skipComment() {
        while i < bytes.count, bytes[i] != 0x0A { i += 1 }
    }

    /// After a header or key/value: blanks, an optional comment, then a newline or the end.
    private mutating func endOfLine() throws {
        skipBlank()
        if peek == UInt8(ascii: "#") { skipComment() }
        if atEnd { return }
        if peek == 0x0D { i += 1 }
        guard peek == 0x0A else { throw fail("expected the end of the line") }
        i += 1
        line += 1
    }

    private mutating func header() throws {
        i += 1
        guard peek != UInt8(ascii: "[") else { throw fail("arrays of tables ([[...]]) are not supported") }
        skipBlank()
        let path = try key()
        guard path.count <= Self.maxDepth else { throw fail("table header nested more than \(Self.maxDepth) deep") }
        skipBlank()
        guard peek == UInt8(ascii: "]") else { throw fail("expected ']' to close the table header") }
        i += 1
        var table = root
        for (n, part) in path.enumerated() {
            if let existing = table.values[part] {
                guard case let .table(next) = existing, !next.frozen else {
                    throw fail("\(Self.display(path.prefix(n + 1))) is already defined as a value")
                }
                table = next
            } else {
                let next = Table()
                table.keys.append(part)
                table.values[part] = .table(next)
                table = next
            }
        }
        guard !table.defined else { throw fail("table [\(Self.display(path))] is defined twice") }
        table.defined = true
        current = table
        currentPath = path
        lines[path] = line
    }

    /// `key = value` into `table`; dotted keys make (or extend) tables below it.
    private mutating func keyValue(into table: Table) throws {
        let path = try key()
        // Every table level counts, however it is written (headers, dotted keys, inline tables): the value is later
        // walked recursively, so the whole depth stays bounded.
        guard currentPath.count + path.count + depth <= Self.maxDepth else {
            throw fail("keys nested more than \(Self.maxDepth) deep")
        }
        skipBlank()
        guard peek == UInt8(ascii: "=") else { throw fail("expected '=' after the key") }
        i += 1
        skipBlank()
        var target = table
        for (n, part) in path.dropLast().enumerated() {
            if let existing = target.values[part] {
                guard case let .table(next) = existing, !next.frozen else {
                    throw fail("\(Self.display(path.prefix(n + 1))) is already defined as a value")
                }
                target = next
            } else {
                let next = Table()
                next.defined = true
                target.keys.append(part)
                target.values[part] = .table(next)
                target = next
            }
        }
        let last = path[path.count - 1]
        guard target.values[last] == nil else { throw fail("key \(Self.display(currentPath + path)) is defined twice") }
        lines[currentPath + path] = line
        let value = try self.value(key: currentPath + path)
        target.keys.append(last)
        switch value {
        case let .table(t): t.frozen = true; target.values[last] = value
        case .value: target.values[last] = value
        }
    }

    /// A key: bare or quoted parts separated by dots (blanks allowed around the dots).
    private mutating func key() throws -> [String] {
        var parts: [String] = []
        while true {
            skipBlank()
            switch peek {
            case UInt8(ascii: "\""):
                guard peek(1) != UInt8(ascii: "\"") || peek(2) != UInt8(ascii: "\"") else { throw fail("a key cannot be a multi-line string") }
                parts.append(try basicString())
            case UInt8(ascii: "'"):
                guard peek(1) != UInt8(ascii: "'") || peek(2) != UInt8(ascii: "'") else { throw fail("a key cannot be a multi-line string") }
                parts.append(try literalString())
            default:
                let start = i
                while i < bytes.count, Self.isBareKey(bytes[i]) { i += 1 }
                guard i > start else { throw fail("expected a key") }
                parts.append(String(decoding: bytes[start..<i], as: UTF8.self))
            }
            skipBlank()
            guard peek == UInt8(ascii: ".") else { return parts }
            i += 1
        }
    }

    private static func isBareKey(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2D
    }

    /// A key path for messages: `worker.lease`, control characters escaped, long keys shortened.
    static func display<S: Sequence>(_ path: S) -> String where S.Element == String {
        let text = path.map { part in
            part.isEmpty || !part.utf8.allSatisfy(isBareKey) ? "\"" + part + "\"" : part
        }.joined(separator: ".")
        let escaped = TerminalText.escaped(text)
        return escaped.count > 80 ? String(escaped.prefix(77)) + "..." : escaped
    }

    /// The key in the words of a config message: `[worker] lease`, or `database_url` at the top level.
    static func settingName(_ path: [String]) -> String {
        path.count < 2 ? display(path) : "[\(display(path.dropLast()))] \(display(path.suffix(1)))"
    }

    // MARK: Values

    private mutating func value(key: [String]) throws -> Node {
        switch peek {
        case UInt8(ascii: "\""):
            if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") { return .value(.string(try multilineBasicString())) }
            return .value(.string(try basicString()))
        case UInt8(ascii: "'"):
            if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") { return .value(.string(try multilineLiteralString())) }
            return .value(.string(try literalString()))
        case UInt8(ascii: "["): return .value(try array(key: key))
        case UInt8(ascii: "{"): return .table(try inlineTable(key: key))
        case UInt8(ascii: "t"): try word("true"); return .value(.bool(true))
        case UInt8(ascii: "f"): try word("false"); return .value(.bool(false))
        default: return .value(try number(key: key))
        }
    }

    private mutating func word(_ text: String) throws {
        let expected = Array(text.utf8)
        guard i + expected.count <= bytes.count, Array(bytes[i..<i + expected.count]) == expected,
              i + expected.count == bytes.count || !Self.isBareKey(bytes[i + expected.count]) else { throw fail("invalid value") }
        i += expected.count
    }

    private mutating func enter() throws {
        depth += 1
        guard depth <= Self.maxDepth else { throw fail("arrays and inline tables nested more than \(Self.maxDepth) deep") }
    }

    /// Blanks, newlines and comments inside an array.
    private mutating func skipArraySpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0D: i += 1
            case 0x0A: i += 1; line += 1
            case UInt8(ascii: "#"): skipComment()
            default: return
            }
        }
    }

    private mutating func array(key: [String]) throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        i += 1
        var items: [JSONValue] = []
        while true {
            skipArraySpace()
            if peek == UInt8(ascii: "]") { i += 1; return .array(items) }
            guard !atEnd else { throw fail("unterminated array") }
            items.append(try value(key: key).json)
            skipArraySpace()
            if peek == UInt8(ascii: ",") { i += 1; continue }
            guard peek == UInt8(ascii: "]") else { throw fail(atEnd ? "unterminated array" : "expected ',' or ']' in an array") }
        }
    }

    private mutating func inlineTable(key: [String]) throws -> Table {
        try enter()
        defer { depth -= 1 }
        i += 1
        let table = Table()
        table.defined = true
        let saved = currentPath
        currentPath = key
        defer { currentPath = saved }
        skipBlank()
        if peek == UInt8(ascii: "}") { i += 1; return table }
        while true {
            skipBlank()
            try keyValue(into: table)
            skipBlank()
            if peek == UInt8(ascii: ",") { i += 1; continue }
            guard peek == UInt8(ascii: "}") else {
                throw fail(atEnd || peek == 0x0A ? "unterminated inline table (it must fit on one line)" : "expected ',' or '}' in an inline table")
            }
            i += 1
            return table
        }
    }

    private mutating func number(key: [String]) throws -> JSONValue {
        let start = i
        while i < bytes.count, Self.isBareKey(bytes[i]) || bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: ".")
                || bytes[i] == UInt8(ascii: ":") {
            i += 1
        }
        guard i > start else { throw fail(atEnd || peek == 0x0A ? "expected a value" : "invalid value") }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        var body = Substring(text)
        var negative = false
        if body.first == "+" || body.first == "-" { negative = body.first == "-"; body = body.dropFirst() }
        if body == "nan" || body == "inf" {
            throw Failure(line: line, reason: "\(Self.settingName(key)) must be a finite number, not nan or inf", syntax: false)
        }
        guard let plain = text.contains("_") ? Self.underscoresRemoved(body) : String(body) else { throw fail("invalid number") }
        if let radix = ["0x": 16, "0o": 8, "0b": 2][String(plain.prefix(2))] {
            let digits = plain.dropFirst(2)
            guard text.first != "+" && text.first != "-", digits.first != "+" && digits.first != "-",
                  let n = Int64(digits, radix: radix) else {
                throw fail("invalid or too large integer")
            }
            return .int(n)
        }
        guard let first = plain.first, first.isASCII, first.isNumber else {
            if text.contains(":") || text.filter({ $0 == "-" }).count >= 2 { throw fail("dates and times are not supported") }
            throw fail("invalid value")
        }
        if plain.count > 1, first == "0", plain.dropFirst().first?.isNumber == true { throw fail("leading zeros are not allowed") }
        if plain.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let n = Int64((negative ? "-" : "") + plain) else { throw fail("integer out of range (64 bits)") }
            return .int(n)
        }
        if text.contains(":") || plain.filter({ $0 == "-" }).count >= 2 { throw fail("dates and times are not supported") }
        guard Self.isFloat(plain), let d = Double(plain), d.isFinite else { throw fail("invalid number") }
        return .double(negative ? -d : d)
    }

    /// `1_000` → `1000`; an underscore must sit between two digits.
    private static func underscoresRemoved(_ text: Substring) -> String? {
        let chars = Array(text)
        for (n, c) in chars.enumerated() where c == "_" {
            guard n > 0, n + 1 < chars.count, chars[n - 1].isHexDigit, chars[n + 1].isHexDigit else { return nil }
        }
        return String(chars.filter { $0 != "_" })
    }

    /// digits [. digits] [e|E [+-] digits]
    private static func isFloat(_ text: String) -> Bool {
        var s = Substring(text)
        func digits() -> Bool {
            let n = s.prefix { $0.isASCII && $0.isNumber }.count
            s = s.dropFirst(n)
            return n > 0
        }
        guard digits() else { return false }
        if s.first == "." { s = s.dropFirst(); guard digits() else { return false } }
        if s.first == "e" || s.first == "E" {
            s = s.dropFirst()
            if s.first == "+" || s.first == "-" { s = s.dropFirst() }
            guard digits() else { return false }
        }
        return s.isEmpty
    }

    // MARK: Strings

    private mutating func basicString() throws -> String {
        i += 1
        var out: [UInt8] = []
        while true {
            guard !atEnd, peek != 0x0A else { throw fail("unterminated string") }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
            if b == UInt8(ascii: "\\") { try escape(into: &out); continue }
            guard b != 0x0D else { throw fail("unterminated string") }
            out.append(b)
            i += 1
        }
    }

    private mutating func multilineBasicString() throws -> String {
        let startLine = line
        i += 3
        if peek == 0x0D, peek(1) == 0x0A { i += 2; line += 1 } else if peek == 0x0A { i += 1; line += 1 }
        var out: [UInt8] = []
        while true {
            guard !atEnd else { throw Failure(line: startLine, reason: "unterminated multi-line string") }
            let b = bytes[i]
            if b == UInt8(ascii: "\""), peek(1) == b, peek(2) == b {
                var quotes = 3
                while quotes < 5, peek(quotes) == b { quotes += 1 }
                out.append(contentsOf: repeatElement(b, count: quotes - 3))
                i += quotes
                return String(decoding: out, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") {
                // A line-ending backslash trims the newline and the whitespace after it.
                var k = i + 1
                while k < bytes.count, bytes[k] == 0x20 || bytes[k] == 0x09 { k += 1 }
                if k < bytes.count, bytes[k] == 0x0A || bytes[k] == 0x0D {
                    i = k
                    while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) {
                        if bytes[i] == 0x0A { line += 1 }
                        i += 1
                    }
                    continue
                }
                try escape(into: &out)
                continue
            }
            if b == 0x0A { line += 1 }
            out.append(b)
            i += 1
        }
    }

    private mutating func literalString() throws -> String {
        i += 1
        let start = i
        while i < bytes.count, bytes[i] != UInt8(ascii: "'"), bytes[i] != 0x0A, bytes[i] != 0x0D { i += 1 }
        guard peek == UInt8(ascii: "'") else { throw fail("unterminated string") }
        defer { i += 1 }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private mutating func multilineLiteralString() throws -> String {
        let startLine = line
        i += 3
        if peek == 0x0D, peek(1) == 0x0A { i += 2; line += 1 } else if peek == 0x0A { i += 1; line += 1 }
        let start = i
        while true {
            guard !atEnd else { throw Failure(line: startLine, reason: "unterminated multi-line string") }
            let b = bytes[i]
            if b == UInt8(ascii: "'"), peek(1) == b, peek(2) == b {
                var quotes = 3
                while quotes < 5, peek(quotes) == b { quotes += 1 }
                let end = i + quotes - 3
                i += quotes
                return String(decoding: bytes[start..<end], as: UTF8.self)
            }
            if b == 0x0A { line += 1 }
            i += 1
        }
    }

    private mutating func escape(into out: inout [UInt8]) throws {
        i += 1
        guard !atEnd else { throw fail("unterminated string") }
        let c = bytes[i]
        i += 1
        switch c {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "\""): out.append(c)
        case UInt8(ascii: "\\"): out.append(c)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = c == UInt8(ascii: "u") ? 4 : 8
            guard i + count <= bytes.count,
                  let value = UInt32(String(decoding: bytes[i..<i + count], as: UTF8.self), radix: 16),
                  let scalar = Unicode.Scalar(value) else { throw fail("invalid unicode escape") }
            // The same rule as for raw bytes: no NUL or other control character reaches a setting (tab aside).
            guard value >= 0x20 || value == 0x09, value != 0x7F else { throw fail("control character in a string") }
            i += count
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default: throw fail("invalid escape sequence")
        }
    }
}
