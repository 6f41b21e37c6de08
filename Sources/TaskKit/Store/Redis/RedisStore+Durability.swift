extension RedisStore {
    /// `INFO persistence` (`aof_enabled`) and, where `CONFIG` is allowed, `appendfsync`: without AOF a restart or
    /// crash loses every job written since the last RDB snapshot. `INFO memory`: with a `maxmemory` and an
    /// `allkeys-*` policy Redis evicts taskq's keys (jobs, the id counter, the layout record) when full. taskq sets no
    /// expiry on any key, so `volatile-*` policies evict none of them.
    public func durabilityWarnings() async -> [String] {
        let place = "Redis at \(target.display)"
        let settings = try? await connection.run { db -> (aof: String?, fsync: String?, maxmemory: String?, policy: String?) in
            let info = (try? db.command(["INFO", "persistence"]))?.string ?? ""
            let aof = Self.infoField("aof_enabled", in: info)
            let fsync = (try? db.command(["CONFIG", "GET", "appendfsync"]).array)?.dropFirst().first?.string
            let memory = (try? db.command(["INFO", "memory"]))?.string ?? ""
            return (aof, fsync, Self.infoField("maxmemory", in: memory), Self.infoField("maxmemory_policy", in: memory))
        }
        guard let settings else { return [] }
        var warnings: [String] = []
        if settings.aof == "0" {
            warnings.append("\(place) runs without AOF (appendonly no): a restart or crash loses every job written since its last snapshot; set appendonly yes (docs/redis.md)")
        } else if settings.fsync == "no" {
            warnings.append("\(place) has appendfsync no: the operating system decides when the AOF reaches the disk, so a power loss can lose more than the last second of jobs; set appendfsync everysec or always (docs/redis.md)")
        }
        if let policy = settings.policy, policy.hasPrefix("allkeys-"), let limit = settings.maxmemory, limit != "0" {
            warnings.append("\(place) evicts keys when it reaches maxmemory (maxmemory-policy \(policy)): jobs written would be lost and ids reused; set maxmemory-policy noeviction, which refuses writes when full instead (docs/redis.md)")
        }
        return warnings
    }

    /// The value of `name:` in an `INFO` section's text.
    static func infoField(_ name: String, in info: String) -> String? {
        info.split(whereSeparator: \.isNewline).first { $0.hasPrefix(name + ":") }.map { String($0.dropFirst(name.count + 1)) }
    }
}
