/// Reading a job's stored output (`taskq logs`, `show-job`): which attempt, its bytes, and following a running
/// attempt as it writes.
public struct JobLogs: Sendable {
    public let store: TaskqStore
    /// Between looks at the store while following.
    public var pollMillis: Millis = 200

    public init(store: TaskqStore) { self.store = store }

    /// One attempt's stream as stored.
    public struct Snapshot: Sendable {
        public var job: Job
        /// The attempt shown; 0 when the job has not started.
        public var attempt: Int
        /// nil when nothing was stored for it (not started, not a shell task, nothing printed, or purged).
        public var output: JobOutput?
    }

    /// `stream` of `attempt` (the latest when nil). Throws `TaskqError.failed` for a job that does not exist or an
    /// attempt it never had.
    public func read(jobID: Int64, attempt: Int?, stream: OutputStreamName) async throws -> Snapshot {
        let job = try await requireJob(jobID)
        let shown = attempt ?? job.attempt
        if let attempt, attempt < 1 || attempt > job.attempt {
            throw TaskqError.failed("job \(jobID) has no attempt \(attempt) (attempts so far: \(job.attempt))")
        }
        let output = shown == 0 ? nil : try await store.output(jobID: jobID, attempt: shown, stream: stream)
        return Snapshot(job: job, attempt: shown, output: output)
    }

    /// How a followed attempt ended.
    public struct Ending: Sendable, Equatable {
        public var attempt: Int
        /// The attempt's outcome; nil when the job finished without running it (cancelled before it started).
        public var outcome: AttemptOutcome?
    }

    /// Follows `stream` of `attempt` until that attempt ends, handing each new piece of output to `emit` as it
    /// arrives (`gap` counts bytes that were written but dropped by the output cap before this piece could be read).
    /// With no attempt given: the running attempt, or the next one when the job waits to run (pending, scheduled,
    /// retrying), or the last one of a finished job. Looks every `pollMillis`; stops with `CancellationError` when the
    /// task is cancelled.
    /// `waiting` is called once if the followed attempt has not started yet (the job as read then), so the caller
    /// can say why nothing comes.
    /// Once following, a store that stops answering (a restart, a failover: exit 69 or 75) is waited out, asking
    /// again every `pollMillis`: `outage` is called with the error when that starts and with nil when the store
    /// answers again. The job keeps running meanwhile; a follower that gave up would miss how it ended.
    public func follow(jobID: Int64, attempt: Int?, stream: OutputStreamName,
                       waiting: (_ job: Job, _ attempt: Int) -> Void = { _, _ in },
                       outage: (_ error: TaskqError?) -> Void = { _ in },
                       emit: (_ bytes: ArraySlice<UInt8>, _ gap: Int64) throws -> Void) async throws -> Ending {
        let first = try await requireJob(jobID)
        let followed: Int
        if let attempt {
            guard attempt >= 1, attempt <= first.attempt || !first.state.isFinished else {
                throw TaskqError.failed("job \(jobID) has no attempt \(attempt) (attempts so far: \(first.attempt))")
            }
            followed = attempt
        } else {
            followed = first.state == .running || first.state.isFinished ? max(first.attempt, 1) : first.attempt + 1
        }
        var seen: Int64 = 0
        var saidWaiting = false
        var down = false
        while true {
            try Task.checkCancellation()
            do {
                let ending = try await look(jobID: jobID, followed: followed, stream: stream, seen: &seen,
                                            saidWaiting: &saidWaiting, waiting: waiting, emit: emit)
                if down { down = false; outage(nil) }
                if let ending { return ending }
            } catch let error as TaskqError where error.exitCode == 69 || error.exitCode == 75 {
                if !down { down = true; outage(error) }
            }
            try await Task.sleep(nanoseconds: UInt64(pollMillis) * 1_000_000)
        }
    }

    /// One look while following: new output emitted, and the ending once the attempt is over (else nil).
    private func look(jobID: Int64, followed: Int, stream: OutputStreamName, seen: inout Int64, saidWaiting: inout Bool,
                      waiting: (_ job: Job, _ attempt: Int) -> Void,
                      emit: (_ bytes: ArraySlice<UInt8>, _ gap: Int64) throws -> Void) async throws -> Ending? {
        // The job first, then the output: a worker stores all of an attempt's output before recording its end, so
        // output read after seeing the end is complete.
        let job = try await requireJob(jobID)
        if job.attempt < followed && !job.state.isFinished && !saidWaiting {
            saidWaiting = true
            waiting(job, followed)
        }
        let ended = job.attempt > followed || job.state.isFinished || (job.attempt == followed && job.state != .running)
        if job.attempt >= followed, let output = try await store.output(jobID: jobID, attempt: followed, stream: stream),
           output.total > seen {
            let start = max(0, seen - output.dropped)
            try emit(output.bytes[Int(start)...], max(0, output.dropped - seen))
            seen = output.total
        }
        guard ended else { return nil }
        let outcome = try await store.attempts(jobID: jobID).first { $0.attempt == followed }?.outcome
        return Ending(attempt: followed, outcome: outcome)
    }

    private func requireJob(_ id: Int64) async throws -> Job {
        let job = try await JobActions.job(id, in: store)
        return job
    }
}

extension JobOutput {
    /// The last `count` lines of the kept bytes (a final line without a newline counts as a line).
    public func lastLines(_ count: Int) -> ArraySlice<UInt8> {
        var end = bytes.endIndex
        if end > 0 && bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        var lines = 0
        var index = end
        while index > 0 {
            if bytes[index - 1] == UInt8(ascii: "\n") {
                lines += 1
                if lines == count { return bytes[index...] }
            }
            index -= 1
        }
        return bytes[...]
    }
}
