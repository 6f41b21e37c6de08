/// A job's captured output (a shell task's stdout and stderr), kept per attempt and stream as the tail of what was
/// written: at most a cap of bytes, the front dropped and counted. Bytes are arbitrary (not necessarily UTF-8).
/// Output is deleted with its job (`purge`).
public protocol JobOutputStore: AnyObject, Sendable {
    /// Appends one chunk to (job, attempt, stream) atomically, only while the job is running under `worker` and
    /// `attempt` (a stale worker cannot write into a rescued job's new attempt). `skipped` bytes were written before
    /// `chunk` but never reached the store (the writer dropped them to stay bounded): when it is above zero the stored
    /// bytes are replaced, so what is kept is always a contiguous tail. Keeps only the last `cap` bytes (`cap` ≥ 1);
    /// everything else counts as dropped. Returns false (and writes nothing) when the job is not held so.
    func appendOutput(_ chunk: [UInt8], skipped: Int64, jobID: Int64, attempt: Int, stream: OutputStreamName,
                      worker: String, cap: Int) async throws -> Bool
    /// What is kept for (job, attempt, stream), or nil when nothing was ever written there.
    func output(jobID: Int64, attempt: Int, stream: OutputStreamName) async throws -> JobOutput?
}

/// Which of a process's output streams.
public enum OutputStreamName: String, Sendable, CaseIterable {
    case stdout, stderr
}

/// The kept tail of one output stream.
public struct JobOutput: Sendable, Equatable {
    /// The last bytes written, at most the cap.
    public var bytes: [UInt8]
    /// Bytes written before `bytes` that were not kept (0 when nothing was cut).
    public var dropped: Int64

    public init(bytes: [UInt8], dropped: Int64) {
        self.bytes = bytes
        self.dropped = dropped
    }

    /// Every byte ever written to the stream.
    public var total: Int64 { dropped + Int64(bytes.count) }
}
