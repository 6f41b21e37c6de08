/// A piece of HTML for the dashboard's pages, built by string interpolation. The one rule of the dashboard's output:
///
/// - The literal parts (written in this source code) are inserted as they are: they are the page's markup.
/// - Every interpolated `String` is escaped with `HTML.escape` — `&`, `<`, `>`, `"` and `'` — so any text (a job's
///   name, arguments, output, error, a queue or task name, a form value sent back, a query parameter) is safe in
///   element text and in a quoted attribute value alike.
/// - Integers are inserted as digits; other `HTML` values (the output of another renderer) as they are.
/// - The only markup not written in this source is the charts' SVG, built by `Charts` from numbers alone and
///   inserted through `HTML(chartSVG:)`. Nothing else may use that initializer.
///
/// Other types (optionals, `Bool`, `Double`, `Substring`, …) do not interpolate: convert them to a `String` first,
/// which then is escaped.
struct HTML: ExpressibleByStringInterpolation, CustomStringConvertible, Sendable, Equatable {
    /// The markup, ready to send.
    private(set) var text: String

    /// The empty fragment.
    static let empty = HTML(markup: "")

    /// A region taskq.js keeps up to date: replaced by each HTML fragment the server pushes on the event stream
    /// `events` (which also sends `body`'s later versions alone).
    static func liveRegion(id: String, events: String, _ body: HTML) -> HTML {
        "<div id=\"\(id)\" data-live=\"\(events)\">\n\(body)</div>"
    }

    /// A literal written in the source: markup, inserted unescaped.
    init(stringLiteral literal: StaticString) {
        text = literal.description
    }

    init(stringInterpolation: StringInterpolation) {
        text = stringInterpolation.text
    }

    private init(markup: String) {
        text = markup
    }

    /// SVG built by `Charts` from numbers only, inserted as it is. Never pass text that came from a request, the
    /// store or the configuration: that goes in as an interpolated `String`, escaped.
    init(chartSVG svg: String) {
        text = svg
    }

    var description: String { text }

    struct StringInterpolation: StringInterpolationProtocol {
        var text: String

        init(literalCapacity: Int, interpolationCount: Int) {
            text = ""
            text.reserveCapacity(literalCapacity + 16 * interpolationCount)
        }

        /// The markup between the interpolations, as written in the source.
        mutating func appendLiteral(_ literal: StaticString) {
            text += literal.description
        }

        /// Text: escaped.
        mutating func appendInterpolation(_ value: String) {
            text += HTML.escape(value)
        }

        /// A number: its digits.
        mutating func appendInterpolation(_ value: some BinaryInteger) {
            text += String(value)
        }

        /// Another renderer's fragment: as it is.
        mutating func appendInterpolation(_ html: HTML) {
            text += html.text
        }

        /// Fragments one after the other (a table's rows).
        mutating func appendInterpolation(_ parts: [HTML]) {
            for part in parts { text += part.text }
        }

        /// `html` when `condition` holds, else nothing: `\(if: selected, " selected")`.
        mutating func appendInterpolation(if condition: Bool, _ html: HTML) {
            if condition { text += html.text }
        }

        /// `then` when `condition` holds, else `otherwise`: `\(if: paused, "resume", else: "pause")`.
        mutating func appendInterpolation(if condition: Bool, _ then: HTML, else otherwise: HTML) {
            text += condition ? then.text : otherwise.text
        }
    }

    /// `text` safe in HTML element content and in single- or double-quoted attribute values: `&` `<` `>` `"` `'`
    /// become `&amp;` `&lt;` `&gt;` `&quot;` `&#39;`; everything else (any other Unicode) is kept as it is.
    static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 32)
        for byte in utf8 {
            switch byte {
            case 0x26: out += "&amp;".utf8   // &
            case 0x3C: out += "&lt;".utf8    // <
            case 0x3E: out += "&gt;".utf8    // >
            case 0x22: out += "&quot;".utf8  // "
            case 0x27: out += "&#39;".utf8   // '
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
