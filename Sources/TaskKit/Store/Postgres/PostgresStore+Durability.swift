extension PostgresStore {
    /// The settings of taskq's own session (a role's or database's `SET` included): `fsync`, `synchronous_commit`,
    /// `full_page_writes`.
    public func durabilityWarnings() async -> [String] {
        let place = "PostgreSQL at \(target.display)"
        let settings = try? await connection.run { db -> [String] in
            let r = try db.exec("SELECT current_setting('fsync'), current_setting('synchronous_commit'), current_setting('full_page_writes')", [])
            return r.rowCount == 1 ? (0..<3).map { r.string(0, $0) } : []
        }
        guard let settings, settings.count == 3 else { return [] }
        var warnings: [String] = []
        if settings[0] == "off" {
            warnings.append("\(place) has fsync off: a crash of its machine can lose or corrupt committed jobs; turn fsync on (docs/postgres.md)")
        }
        if settings[1] == "off" {
            warnings.append("\(place) has synchronous_commit off for taskq's sessions: a server crash loses the last commits taskq reported; set it to on (docs/postgres.md)")
        }
        if settings[2] == "off" {
            warnings.append("\(place) has full_page_writes off: a power loss can leave pages half-written; turn it on (docs/postgres.md)")
        }
        return warnings
    }
}
