/// Job priority: an integer 0–10, higher runs first. Names map to fixed values.
public enum Priority {
    public static let range = 0...10
    public static let `default` = 5
    /// Accepted names and their values.
    public static let names: [(String, Int)] = [("low", 0), ("normal", 5), ("high", 8), ("critical", 10)]

    /// Parses `0`–`10` or `low|normal|high|critical`; nil for anything else (out of range included).
    public static func parse(_ text: String) -> Int? {
        let lowered = text.lowercased()
        if let named = names.first(where: { $0.0 == lowered }) { return named.1 }
        guard let value = Int(text), range.contains(value) else { return nil }
        return value
    }

    /// The error message for an unparsable priority.
    public static func invalidMessage(_ text: String) -> String {
        "invalid priority '\(TerminalText.escaped(text))': expected an integer 0-10 or low|normal|high|critical"
    }
}
