// libFuzzer harness for TaskKit's parsers (make fuzz-lib; RELIABILITY.md#fuzz). FUZZ_TARGET picks the parser:
// json, cron, duration or config. Any crash, sanitizer report or timeout is a defect; thrown errors are fine, but
// their messages must be one line.
import TaskKit
#if canImport(Glibc)
import Glibc
#endif

private let target: String = getenv("FUZZ_TARGET").map { String(cString: $0) } ?? "json"

private func requireOneLine(_ error: Error) {
    let message = "\(error)"
    if message.contains("\n") { fatalError("multi-line error message") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    do {
        switch target {
        case "cron":
            let parts = text.split(separator: "|", maxSplits: 1)
            _ = try ScheduleExpression(String(parts.first ?? ""), timeZone: parts.count > 1 ? String(parts[1]) : "UTC")
        case "duration":
            _ = DurationParser.millis(text)
            _ = try DurationParser.require(text, option: "--in")
        case "config":
            _ = try TaskqConfig(toml: bytes)
        default:
            let value = try JSONValue.parse(text)
            // What is accepted must round-trip: serialized, parsed again and serialized, the text is the same.
            let text = value.serialized()
            if try JSONValue.parse(text).serialized() != text { fatalError("JSON round trip changed the value") }
        }
    } catch {
        requireOneLine(error)
    }
    return 0
}
