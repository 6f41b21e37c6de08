#if canImport(Glibc)
import Glibc
#endif

/// Whole-file reads with stdio (config files, zone files, job files).
public enum FileBytes {
    /// Every byte of an open stream, or nil when it holds more than `limit` bytes.
    public static func read(_ file: UnsafeMutablePointer<FILE>, limit: Int = .max) -> [UInt8]? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<n])
            if bytes.count > limit { return nil }
        }
    }

    /// Every byte of the file at `path`; nil when it cannot be opened or holds more than `limit` bytes.
    public static func read(path: String, limit: Int = .max) -> [UInt8]? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        return read(file, limit: limit)
    }
}
