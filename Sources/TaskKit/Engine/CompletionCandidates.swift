#if canImport(Glibc)
import Glibc
#endif

/// Values a shell completes from what a deployment holds: recent job ids, queue, task and schedule names, and the
/// time-zone names of the system tz database. Each reads at most one small page from the store.
public enum CompletionCandidates {
    /// The newest job ids, newest first.
    public static func jobIDs(store: TaskqStore, limit: Int = 50) async throws -> [String] {
        try await store.list(JobFilter(limit: limit)).map { String($0.id) }
    }

    /// Queues that hold jobs.
    public static func queues(store: TaskqStore) async throws -> [String] {
        JobCounts(try await store.counts()).queues
    }

    /// Tasks this process knows (built-ins and taskq.toml) and tasks workers announced.
    public static func tasks(config: TaskqConfig, store: TaskqStore?) async throws -> [String] {
        var names = Set(TaskRegistry.standard(config: config).entries.map(\.info.name))
        if let store { names.formUnion(try await store.knownTasks().map(\.name)) }
        return names.sorted()
    }

    /// Schedules in taskq.toml and in the store.
    public static func schedules(config: TaskqConfig, store: TaskqStore?) async throws -> [String] {
        var names = Set(config.schedules.map(\.name))
        if let store { names.formUnion(try await store.schedules().map(\.name)) }
        return names.sorted()
    }

    /// Zone names (`Europe/Berlin`) from the tz database directory (`$TZDIR` or /usr/share/zoneinfo), plus UTC.
    public static func timeZones() -> [String] {
        let root = ProcessEnvironment.value("TZDIR") ?? "/usr/share/zoneinfo"
        var names: Set<String> = ["UTC"]
        func walk(_ relative: String, depth: Int) {
            guard depth < 4, let dir = opendir(root + (relative.isEmpty ? "" : "/" + relative)) else { return }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
                guard let first = name.first, first.isUppercase, !name.contains(".") else { continue }
                let path = relative.isEmpty ? name : relative + "/" + name
                if entry.pointee.d_type == UInt8(DT_DIR) { walk(path, depth: depth + 1) } else { names.insert(path) }
            }
        }
        walk("", depth: 0)
        return names.sorted()
    }
}
