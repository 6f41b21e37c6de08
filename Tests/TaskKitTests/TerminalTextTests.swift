import Testing
@testable import TaskKit

@Suite("Terminal text: control characters escaped, display width")
struct TerminalTextTests {
    @Test func controlCharactersAreEscaped() {
        #expect(TerminalText.escaped("plain name") == "plain name")
        #expect(TerminalText.escaped("\u{1B}]0;title\u{07}") == "\\x1b]0;title\\x07")
        #expect(TerminalText.escaped("a\nb\tc\r") == "a\\x0ab\tc\\x0d")
        #expect(TerminalText.escaped("a\nb\u{1B}[2J", keepNewlines: true) == "a\nb\\x1b[2J")
        #expect(TerminalText.escaped("x\u{7F}y\u{85}z") == "x\\x7fy\\u0085z")
        #expect(TerminalText.escaped("日本語 ✓ 🚀") == "日本語 ✓ 🚀")
    }

    @Test func widthCountsWideCharactersTwice() {
        #expect(TerminalText.width("abc") == 3)
        #expect(TerminalText.width("日本語") == 6)
        #expect(TerminalText.width("🚀x") == 3)
        #expect(TerminalText.width("e\u{301}") == 1) // e + combining acute
    }
}
