/// What an enqueue warns about once its jobs are stored (`create-job` on stderr, the dashboard's flash): a queue no
/// live worker reads, and a paused queue. Two cheap reads; a failed read stays silent, since the jobs are enqueued
/// either way.
public enum EnqueueNotes {
    public static func warnings(queues: [String], store: TaskqStore, now: Millis) async -> [String] {
        var notes: [String] = []
        if let roster = try? await WorkerRoster.read(from: store, now: now, withRunning: false),
           let unread = roster.enqueueWarning(queues: queues) {
            notes.append(unread)
        }
        if let paused = try? await store.pausedQueues() {
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
