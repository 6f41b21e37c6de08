import TaskKit

/// The readings behind an enqueue's warnings (live workers, paused queues: `EnqueueNotes`), read at most once a
/// second: the API takes thousands of jobs a second, and two more store reads for each would halve that. A worker
/// that started, or a queue paused, less than a second ago may not be in the warnings yet.
final class EnqueueNotesCache: Sendable {
    private let cached = Locked<(at: Millis, readings: EnqueueNotes.Readings)?>(nil)
    private let ttlMillis: Millis

    init(ttlMillis: Millis = 1_000) { self.ttlMillis = ttlMillis }

    func warnings(queues: [String], store: TaskqStore, now: Millis) async -> [String] {
        let fresh = cached.withLock { entry in entry.flatMap { now - $0.at < ttlMillis ? $0.readings : nil } }
        if let fresh { return EnqueueNotes.warnings(queues: queues, readings: fresh) }
        let readings = await EnqueueNotes.Readings.take(from: store, now: now)
        cached.withLock { $0 = (now, readings) }
        return EnqueueNotes.warnings(queues: queues, readings: readings)
    }
}
