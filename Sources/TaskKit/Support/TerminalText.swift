import CTaskqSupport

/// Text from jobs (names, arguments, errors, output) made safe for a terminal, and its width there.
public enum TerminalText {
    /// `text` with every control character shown as an escape (`\x1b`, `\x07`, `\u0085`), so job data can neither
    /// clear the screen, move the cursor nor retitle the terminal. Tabs stay; newlines stay when `keepNewlines`
    /// (output shown as text), else they are escaped too (one record per line).
    public static func escaped(_ text: String, keepNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && !(keepNewlines && $0 == "\n") && $0 != "\t" }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if !isControl(scalar) || scalar == "\t" || (keepNewlines && scalar == "\n") {
                out.append(scalar)
            } else {
                let hex = String(scalar.value, radix: 16)
                let escape = scalar.value < 0x100 && scalar.value < 0x80 ? "\\x" + (hex.count < 2 ? "0" + hex : hex)
                    : "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                out.append(contentsOf: escape.unicodeScalars)
            }
        }
        return String(out)
    }

    /// C0 controls, DEL and C1 controls.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Columns `text` takes on a terminal (the C library's `wcwidth`): East Asian wide characters and emoji take two,
    /// combining marks none. Unprintable scalars count one (they are escaped before printing).
    public static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { columns, scalar in
            let w = scalar.isASCII ? 1 : Int(taskq_wcwidth(scalar.value))
            return columns + (w < 0 ? 1 : w)
        }
    }
}
