import TaskKit

/// What usage, help and error lines call the program: `taskq`, or the name of a Swift program that embeds the command
/// set (`TaskqMain.run(programName:)`). Set once, before the arguments are parsed: the root command's configuration
/// reads it when argument-parser first asks for it.
enum ProgramName {
    private static let name = Locked("taskq")

    static var current: String { name.withLock { $0 } }

    static func set(_ value: String) {
        name.withLock { $0 = value.isEmpty ? "taskq" : value }
    }

    /// The last path component of `argv[0]` (`/usr/local/bin/mytasks` → `mytasks`).
    static func fromPath(_ path: String) -> String {
        String(path.split(separator: "/").last ?? "")
    }
}
