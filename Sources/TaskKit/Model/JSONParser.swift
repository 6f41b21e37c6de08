/// A strict RFC 8259 JSON parser into `JSONValue`, much faster than going through `Codable` for untyped documents.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0

    /// Where and why the text is not JSON (`position` is a byte offset).
    struct Failure: Error {
        var position: Int
        var reason: String
    }

    private func failure(_ reason: String? = nil) -> Failure {
        Failure(position: i, reason: reason ?? (i < bytes.count ? "unexpected character" : "unexpected end of input"))
    }

    /// Parses UTF-8 bytes (valid UTF-8: strings are decoded as they are, invalid sequences become U+FFFD).
    static func parse(bytes: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipSpace()
        let value = try parser.value()
        parser.skipSpace()
        guard parser.i == parser.bytes.count else { throw parser.failure("unexpected text after the value") }
        return value
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func value() throws -> JSONValue {
        guard i < bytes.count else { throw failure() }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return try number()
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard i + count <= bytes.count else { throw failure() }
        for k in 0..<count where bytes[i + k] != word.utf8Start[k] { throw failure() }
        i += count
    }

    private mutating func object() throws -> JSONValue {
        depth += 1
        guard depth < 512 else { throw failure("nested more than 512 deep") }
        defer { depth -= 1 }
        i += 1
        var pairs: [(String, JSONValue)] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(pairs) }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw failure() }
            let key = try string()
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw failure() }
            i += 1
            skipSpace()
            pairs.append((key, try value()))
            skipSpace()
            guard i < bytes.count else { throw failure() }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(Self.lastValueWins(pairs)) }
            throw failure()
        }
    }

    /// A key given twice keeps its first place and its last value, as PostgreSQL's jsonb (and most parsers) read
    /// it, so a job's args are the same on every backend and in every answer.
    static func lastValueWins(_ pairs: [(String, JSONValue)]) -> [(String, JSONValue)] {
        guard pairs.count > 1, hasDuplicateKeys(pairs) else { return pairs }
        var out: [(String, JSONValue)] = []
        var place: [String: Int] = [:]
        for (key, value) in pairs {
            if let at = place[key] { out[at].1 = value } else { place[key] = out.count; out.append((key, value)) }
        }
        return out
    }

    private static func hasDuplicateKeys(_ pairs: [(String, JSONValue)]) -> Bool {
        if pairs.count <= 8 {
            for a in 1..<pairs.count { for b in 0..<a where pairs[a].0 == pairs[b].0 { return true } }
            return false
        }
        var seen = Set<String>(minimumCapacity: pairs.count)
        for (key, _) in pairs where !seen.insert(key).inserted { return true }
        return false
    }

    private mutating func array() throws -> JSONValue {
        depth += 1
        guard depth < 512 else { throw failure("nested more than 512 deep") }
        defer { depth -= 1 }
        i += 1
        var items: [JSONValue] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            guard i < bytes.count else { throw failure() }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            throw failure()
        }
    }

    private mutating func string() throws -> String {
        i += 1
        let start = i
        // Fast path: no escapes.
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                let s = String(decoding: bytes[start..<i], as: UTF8.self)
                i += 1
                return s
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { break }
            i += 1
        }
        var out = Array(bytes[start..<i])
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
            guard c >= 0x20 else { throw failure() }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard i < bytes.count else { throw failure() }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else { throw failure() }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw failure() }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw failure()
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw failure() }
                out.append(contentsOf: Array(String(Character(unicode)).utf8))
            default: throw failure()
            }
        }
        throw failure()
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count else { throw failure() }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: throw failure()
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    private mutating func number() throws -> JSONValue {
        let start = i
        var isInteger = true
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, (48...57).contains(bytes[i]) else { throw failure() }
        if bytes[i] == 48 { i += 1 } else { while i < bytes.count, (48...57).contains(bytes[i]) { i += 1 } }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            guard i < bytes.count, (48...57).contains(bytes[i]) else { throw failure() }
            while i < bytes.count, (48...57).contains(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            isInteger = false
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, (48...57).contains(bytes[i]) else { throw failure() }
            while i < bytes.count, (48...57).contains(bytes[i]) { i += 1 }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if isInteger, let v = Int64(text) { return .int(v) }
        // Anything else is kept digit for digit (1.0 stays 1.0, big integers keep every digit), so arguments come
        // back as given on every backend; an exponent is written out, as PostgreSQL's jsonb would.
        let shown = text.count > 40 ? text.prefix(37) + "..." : Substring(text)
        guard let d = Double(text), d.isFinite else {
            i = start
            throw failure("number \(shown) is out of range (beyond ±1.8e308)")
        }
        guard let plain = JSONNumber.plainIfBounded(text) else {
            i = start
            throw failure("number \(shown) is out of range (exponent beyond ±\(JSONNumber.maxExponent))")
        }
        return .number(plain)
    }
}
