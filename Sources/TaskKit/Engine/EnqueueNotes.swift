/// What an enqueue warns about once its jobs are stored (`create-job` on stderr, the dashboard's flash, the API's
/// `Warning` header): a queue no live worker reads, and a paused queue. Two cheap reads; a failed read stays silent,
/// since the jobs are enqueued either way.
public enum EnqueueNotes {
    /// The readings the warnings come from; `taskq serve` keeps one for a second (`EnqueueNotes.Readings.take`).
    public struct Readings: Sendable {
        public var roster: WorkerRoster?
        public var paused: [String: Millis]?

        /// Reads both now (a read that fails is left out).
        public static func take(from store: TaskqStore, now: Millis) async -> Readings {
            Readings(roster: try? await WorkerRoster.read(from: store, now: now, withRunning: false),
                     paused: try? await store.pausedQueues())
        }
    }

    public static func warnings(queues: [String], store: TaskqStore, now: Millis) async -> [String] {
        warnings(queues: queues, readings: await Readings.take(from: store, now: now))
    }

    public static func warnings(queues: [String], readings: Readings) -> [String] {
        var notes: [String] = []
        if let unread = readings.roster?.enqueueWarning(queues: queues) { notes.append(unread) }
        if let paused = readings.paused {
            var seen = Set<String>()
            let held = queues.filter { seen.insert($0).inserted && paused[$0] != nil }.map { "'\(TerminalText.escaped($0))'" }
            if held.count == 1 {
                notes.append("queue \(held[0]) is paused; the job waits until `taskq queue resume` resumes it")
            } else if held.count > 1 {
                notes.append("queues \(held.joined(separator: ", ")) are paused; their jobs wait until `taskq queue resume` resumes them")
            }
        }
        return notes
    }
}
