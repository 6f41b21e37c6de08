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
        guard !name.isEmpty else { throw TaskqError.usage("queue name must not be empty") }
        guard name.count <= maxQueue else { throw TaskqError.usage("queue name is longer than \(maxQueue) characters") }
        guard name.unicodeScalars.allSatisfy(isQueueCharacter) else {
            throw TaskqError.usage("invalid queue name '\(TerminalText.escaped(name))': use letters, digits, '.', '_', '-' and ':' only")
        }
    }

    /// A task name: 1–200 characters, no control characters or blanks at either end.
    public static func checkTask(_ name: String) throws {
        try checkLabel(name, what: "task name", max: maxTask)
    }

    /// A unique key: 1–1000 characters, no control characters.
    public static func checkUniqueKey(_ key: String) throws {
        try checkLabel(key, what: "unique key", max: maxUniqueKey)
    }

    private static func checkLabel(_ text: String, what: String, max: Int) throws {
        guard !text.trimmingSpaces().isEmpty else { throw TaskqError.usage("\(what) must not be empty or blank") }
        guard text.count <= max else { throw TaskqError.usage("\(what) is longer than \(max) characters") }
        guard !text.unicodeScalars.contains(where: TerminalText.isControl) else {
            throw TaskqError.usage("\(what) '\(TerminalText.escaped(text))' contains control characters")
        }
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
