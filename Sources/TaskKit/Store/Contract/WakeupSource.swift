/// Wake-ups for idle workers (Oban's Notifier): SQLite watches the WAL file, PostgreSQL uses LISTEN/NOTIFY,
/// Redis blocks on wake lists.
public protocol WakeupSource: AnyObject, Sendable {
    /// Returns when new work may be available in `queues`, or after `timeout` seconds, whichever is first.
    func waitForWork(queues: [String], timeout: Double) async
}
