/// A JSON document: job arguments and results. Objects keep their key order for output.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    /// A number kept exactly as written in parsed JSON (a fraction, or an integer beyond 64 bits), in plain
    /// decimal notation (`JSONNumber.plain`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.double(a), .double(b)): return a == b
        case let (.int(a), .double(b)), let (.double(b), .int(a)): return Double(a) == b
        case let (.number(a), .number(b)): return a == b || (Double(a) == Double(b) && !JSONNumber.isBeyondDouble(a, b))
        case let (.number(a), .int(b)), let (.int(b), .number(a)): return Int64(a) == b || Double(a) == Double(b)
        case let (.number(a), .double(b)), let (.double(b), .number(a)): return Double(a) == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            guard a.count == b.count else { return false }
            let bd = Dictionary(b, uniquingKeysWith: { $1 })
            return a.allSatisfy { bd[$0.0] == $0.1 }
        default: return false
        }
    }

    /// The value for `key` when this is an object.
    public subscript(key: String) -> JSONValue? {
        guard case let .object(pairs) = self else { return nil }
        return pairs.last(where: { $0.0 == key })?.1
    }

    public var stringValue: String? { if case let .string(s) = self { return s } else { return nil } }
    public var isObject: Bool { if case .object = self { return true } else { return false } }
    public var doubleValue: Double? {
        switch self {
        case let .int(i): return Double(i)
        case let .double(d): return d
        case let .number(n): return Double(n)
        case let .string(s): return Double(s)
        default: return nil
        }
    }
    public var int64Value: Int64? {
        switch self {
        case let .int(i): return i
        case let .double(d): return d.rounded() == d ? Int64(exactly: d) : nil
        case let .number(n): return Int64(n) ?? Double(n).flatMap { $0.rounded() == $0 ? Int64(exactly: $0) : nil }
        case let .string(s): return Int64(s)
        default: return nil
        }
    }
    public var arrayValue: [JSONValue]? { if case let .array(a) = self { return a } else { return nil } }
    public var boolValue: Bool? { if case let .bool(b) = self { return b } else { return nil } }

    /// The same value with NUL characters removed from every string and key.
    public func withoutNUL() -> JSONValue {
        switch self {
        case let .string(s): return .string(s.withoutNUL())
        case let .array(items): return .array(items.map { $0.withoutNUL() })
        case let .object(pairs): return .object(pairs.map { ($0.0.withoutNUL(), $0.1.withoutNUL()) })
        default: return self
        }
    }

    /// What kind of value this is, for messages that must not quote it: `an array`, `a string`, ….
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double, .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Builds an object value from ordered pairs.
    public static func obj(_ pairs: (String, JSONValue)...) -> JSONValue { .object(pairs) }
}

extension JSONValue: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else {
            let o = try c.decode([String: JSONValue].self)
            self = .object(o.sorted(by: { $0.key < $1.key }).map { ($0.key, $0.value) })
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case let .bool(b): try c.encode(b)
        case let .int(i): try c.encode(i)
        case let .double(d): try c.encode(d)
        case let .number(n): try c.encode(Double(n) ?? 0)
        case let .string(s): try c.encode(s)
        case let .array(a): try c.encode(a)
        case let .object(pairs): try c.encode(Dictionary(pairs, uniquingKeysWith: { $1 }))
        }
    }
}

extension JSONValue {
    /// Parses JSON text. Throws `TaskqError.badInput` naming the line and column of the problem (the input itself
    /// is not echoed: it may span lines or hold control characters).
    public static func parse(_ text: String, what: String = "JSON") throws -> JSONValue {
        try Array(text.utf8).withUnsafeBufferPointer { try parse(utf8: $0, what: what) }
    }

    /// `parse(_:what:)` of text given as bytes, which must be valid UTF-8 (a caller holding other bytes decodes
    /// them as a String first, where invalid sequences become U+FFFD).
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>, what: String = "JSON") throws -> JSONValue {
        do {
            return try JSONParser.parse(bytes: bytes)
        } catch let failure as JSONParser.Failure {
            let before = bytes.prefix(failure.position)
            let line = before.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            let column = before.reversed().prefix { $0 != 0x0A }.count + 1
            throw TaskqError.badInput("\(what) is not valid JSON: \(failure.reason) at line \(line), column \(column)")
        }
    }

    /// Converts any Encodable into a JSON value.
    public static func from<T: Encodable>(_ value: T) throws -> JSONValue {
        let data = try JSONEncoder().encode(value)
        return try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// Decodes this value into a Decodable type.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(serialized().utf8))
    }

    /// Compact JSON text, keys in their stored order.
    public func serialized() -> String {
        var out = ""
        write(to: &out, indent: nil, level: 0)
        return out
    }

    /// Indented JSON text (two spaces), keys in their stored order.
    public func pretty() -> String {
        var out = ""
        write(to: &out, indent: "  ", level: 0)
        return out
    }

    /// Indented JSON text as an element `level` deep in an indented array or object (its first line not indented):
    /// lets a long array be printed an element at a time, byte for byte as `pretty()` prints the whole array.
    public func pretty(level: Int) -> String {
        var out = ""
        write(to: &out, indent: "  ", level: level)
        return out
    }

    private func write(to out: inout String, indent: String?, level: Int) {
        switch self {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .int(i): out += String(i)
        case let .double(d):
            if d.isFinite { out += d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : "\(d)" } else { out += "null" }
        case let .number(n): out += n
        case let .string(s): JSONValue.writeString(s, to: &out)
        case let .array(items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: indent, count: level + 1) }
                item.write(to: &out, indent: indent, level: level + 1)
            }
            if let indent { out += "\n" + String(repeating: indent, count: level) }
            out += "]"
        case let .object(pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: indent, count: level + 1) }
                JSONValue.writeString(key, to: &out)
                out += indent == nil ? ":" : ": "
                value.write(to: &out, indent: indent, level: level + 1)
            }
            if let indent { out += "\n" + String(repeating: indent, count: level) }
            out += "}"
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

extension String {
    /// The string without NUL characters.
    public func withoutNUL() -> String {
        unicodeScalars.contains("\u{0}") ? String(String.UnicodeScalarView(unicodeScalars.filter { $0 != "\u{0}" })) : self
    }
}
