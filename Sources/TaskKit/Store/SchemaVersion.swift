/// The one place that turns a stored schema (or key-layout) version into the "run `taskq migrate`" /
/// "upgrade taskq" errors every backend reports.
enum SchemaVersion {
    /// Throws `TaskqError.unavailable` unless `current` equals `latest`. `place` names the database for people
    /// (never with a password); `current` 0 means no taskq schema at all.
    static func require(current: Int, latest: Int, place: String) throws {
        if current == 0 {
            throw TaskqError.unavailable("\(place) has no taskq schema: run `taskq migrate` first")
        }
        if current < latest {
            throw TaskqError.unavailable("the taskq schema in \(place) is at version \(current) of \(latest): run `taskq migrate`")
        }
        if current > latest {
            throw TaskqError.unavailable("the taskq schema in \(place) is at version \(current), newer than this taskq knows (\(latest)): upgrade taskq")
        }
    }
}
