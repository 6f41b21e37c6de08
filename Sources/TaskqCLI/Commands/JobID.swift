import TaskKit
import ArgumentParser

/// Parses a job id argument; anything but a positive integer is a usage error.
func parseJobID(_ text: String) throws -> Int64 {
    guard let id = Int64(text), id > 0 else { throw ValidationError("invalid job id '\(TerminalText.escaped(text))': expected a positive integer") }
    return id
}
