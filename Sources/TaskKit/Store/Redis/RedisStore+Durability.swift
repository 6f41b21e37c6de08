extension RedisStore {
    /// `INFO persistence` (`aof_enabled`) and, where `CONFIG` is allowed, `appendfsync`: without AOF a restart or
    /// crash loses every job written since the last RDB snapshot.
    public func durabilityWarnings() async -> [String] {
        let place = "Redis at \(target.display)"
        let settings = try? await connection.run { db -> (aof: String?, fsync: String?) in
            let info = (try? db.command(["INFO", "persistence"]))?.string ?? ""
            let aof = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("aof_enabled:") }.map { String($0.dropFirst(12)) }
            let fsync = (try? db.command(["CONFIG", "GET", "appendfsync"]).array)?.dropFirst().first?.string
            return (aof, fsync)
        }
        guard let settings else { return [] }
        var warnings: [String] = []
        if settings.aof == "0" {
            warnings.append("\(place) runs without AOF (appendonly no): a restart or crash loses every job written since its last snapshot; set appendonly yes (docs/redis.md)")
        } else if settings.fsync == "no" {
            warnings.append("\(place) has appendfsync no: the operating system decides when the AOF reaches the disk, so a power loss can lose more than the last second of jobs; set appendfsync everysec or always (docs/redis.md)")
        }
        return warnings
    }
}
