/// The rules for names people type and other programs read back (docs/contracts.md#names), checked wherever a
/// name enters taskq: flags, `--from-file` lines, taskq.toml, worker queues.
public enum Names {
    /// Longest job name (a label).
    public static let maxJobName = 200
    /// Longest queue name.
    public static let maxQueue = 64
    /// Longest task name and unique key.
    public static let maxTask = 200
    public static let maxUniqueKey = 1_000

    /// A job name: 1–200 characters, not only blanks, no control characters.
    public static func checkJobName(_ name: String) throws {
        try checkLabel(name, what: "job name", max: maxJobName)
    }

    /// A queue name: 1–64 letters (any script), digits, `.`, `_`, `-` and `:`. Commas are what
    /// `run-worker -q a,b` splits on, and queue names become parts of Redis keys and PostgreSQL notifications.
    public static func checkQueue(_ name: String) throws {
        try checkNotDotsOnly(name, what: "queue")
        if isPlainQueue(name) { return }
        guard !name.isEmpty else { throw TaskqError.usage("queue name must not be empty") }
        guard name.count <= maxQueue else { throw TaskqError.usage("queue name is longer than \(maxQueue) characters") }
        guard name.unicodeScalars.allSatisfy(isQueueCharacter) else {
            throw TaskqError.usage("invalid queue name '\(TerminalText.escaped(name))': use letters, digits, '.', '_', '-' and ':' only")
        }
    }

    /// A task name: 1–200 characters, no control characters or blanks at either end.
    /// `.` and `..` would be path segments in the API's URLs (`/api/v1/queues/NAME/pause`), which serve refuses.
    static func checkNotDotsOnly(_ name: String, what: String) throws {
        if !name.isEmpty && name.allSatisfy({ $0 == "." }) {
            throw TaskqError.usage("invalid \(what) name '\(name)': a name of dots only would be a path segment; add a letter or digit")
        }
    }

    public static func checkTask(_ name: String) throws {
        try checkLabel(name, what: "task name", max: maxTask)
    }

    /// A unique key: 1–1000 characters, no control characters.
    public static func checkUniqueKey(_ key: String) throws {
        try checkLabel(key, what: "unique key", max: maxUniqueKey)
    }

    /// No NUL character in any string or key of `value` (a job's `args`, a shell job's `command` among them):
    /// PostgreSQL's `text` and `jsonb` cannot hold one, so no backend takes it (docs/contracts.md#names).
    public static func checkNoNUL(_ value: JSONValue, what: String) throws {
        if let path = nulPath(value, path: what) {
            throw TaskqError.usage("\(path) contains a NUL character (\\u0000), which taskq does not store")
        }
    }

    private static func nulPath(_ value: JSONValue, path: String) -> String? {
        switch value {
        case let .string(s): return s.utf8.contains(0) ? path : nil
        case let .array(items):
            for (n, item) in items.enumerated() { if let found = nulPath(item, path: "\(path)[\(n)]") { return found } }
            return nil
        case let .object(pairs):
            for (key, item) in pairs {
                let shown = key.count > 40 ? String(key.prefix(37)) + "..." : key
                if key.utf8.contains(0) { return "\(path) key '\(TerminalText.escaped(shown))'" }
                if let found = nulPath(item, path: "\(path).\(TerminalText.escaped(shown))") { return found }
            }
            return nil
        default: return nil
        }
    }

    private static func checkLabel(_ text: String, what: String, max: Int) throws {
        if isPlainLabel(text, max: max) { return }
        guard !text.trimmingSpaces().isEmpty else { throw TaskqError.usage("\(what) must not be empty or blank") }
        guard text.count <= max else { throw TaskqError.usage("\(what) is longer than \(max) characters") }
        guard !text.unicodeScalars.contains(where: TerminalText.isControl) else {
            // The tab too, though output keeps tabs: here it is the character being refused.
            throw TaskqError.usage("\(what) '\(TerminalText.escaped(text).replacing("\t", with: "\\x09"))' contains control characters")
        }
    }

    /// A label the rules accept, checked on its bytes: 1–`max` printable ASCII characters, not all blanks. Anything
    /// else (non-ASCII text, control characters, too long, blank) goes through the full checks, which word the error.
    private static func isPlainLabel(_ text: String, max: Int) -> Bool {
        var count = 0
        var blank = true
        for byte in text.utf8 {
            guard byte >= 0x20 && byte < 0x7F else { return false }
            if byte != 0x20 { blank = false }
            count += 1
        }
        return !blank && count <= max
    }

    /// A queue name of 1–64 ASCII letters, digits, `.`, `_`, `-` and `:`, checked on its bytes; anything else goes
    /// through the full checks.
    private static func isPlainQueue(_ name: String) -> Bool {
        var count = 0
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: ":"):
                count += 1
            default: return false
            }
        }
        return count > 0 && count <= maxQueue
    }

    /// Letters and digits of any script, `.`, `_`, `-` and `:`.
    private static func isQueueCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case ".", "_", "-", ":": return true
        default:
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber: return true
            default: return false
            }
        }
    }
}
