#if canImport(Glibc)
import Glibc
#endif

/// The process environment, read where a setting may come from it.
public enum ProcessEnvironment {
    /// The variable's value; nil when it is unset or empty.
    public static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        let value = String(cString: raw)
        return value.isEmpty ? nil : value
    }
}
