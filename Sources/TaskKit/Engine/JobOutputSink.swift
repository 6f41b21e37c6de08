import Logging

/// Where a running attempt's output goes (a shell task's stdout and stderr; any handler may write to it).
///
/// `write` never blocks and may be called from any thread (the child-process reader calls it from its own thread).
/// Each stream keeps at most `cap` bytes plus one read chunk waiting in memory; a writer task, started on the first
/// write, appends what is waiting to the store every `interval` or as soon as `chunkBytes` are waiting, whichever is
/// first. When the store falls behind, the oldest waiting bytes are dropped and counted, so memory stays bounded
/// however much a job prints (at most about two caps per stream: what waits and what is being written). Appends are
/// guarded by the store: once the job is no longer held by this worker and attempt, the sink stops writing.
/// `finish` flushes what is left; the worker calls it before recording the attempt's outcome, so a finished attempt's
/// output is complete in the store.
public final class JobOutputSink: @unchecked Sendable {
    /// A sink that keeps nothing (handlers run outside a worker, tests).
    public static let discarding = JobOutputSink(target: nil)

    struct Target {
        var store: JobOutputStore
        var jobID: Int64
        var attempt: Int
        var worker: String
        var cap: Int
        var logger: Logger
    }

    /// Bytes waiting for the store, per stream: a contiguous tail, preceded by `skipped` bytes that were dropped here.
    struct Spool: Equatable {
        var bytes: [UInt8] = []
        var skipped: Int64 = 0
    }

    private struct State {
        var spools = [Spool(), Spool()]
        var waiting = 0
        var writer: Task<Void, Never>?
        var closing = false
        var held = true
        var warned = false
    }

    private let target: Target?
    private let state = Locked(State())
    private let wake = AsyncEvent()
    let interval: Double
    let chunkBytes: Int

    init(target: Target?, interval: Double = 0.25, chunkBytes: Int = 64 * 1024) {
        self.target = target
        self.interval = interval
        self.chunkBytes = chunkBytes
    }

    /// A sink writing `jobID`'s attempt to `store` as `worker`, keeping the last `cap` bytes per stream.
    public convenience init(store: JobOutputStore, jobID: Int64, attempt: Int, worker: String, cap: Int, logger: Logger) {
        self.init(target: Target(store: store, jobID: jobID, attempt: attempt, worker: worker, cap: max(1, cap), logger: logger))
    }

    /// Queues `bytes` written to `stream`; never blocks.
    public func write<Bytes: Collection>(_ bytes: Bytes, to stream: OutputStreamName) where Bytes.Element == UInt8 {
        guard let target, !bytes.isEmpty else { return }
        let index = stream == .stdout ? 0 : 1
        var startWriter = false
        let signal: Bool = state.withLock { s in
            guard s.held, !s.closing else { return false }
            Self.append(bytes, to: &s.spools[index], cap: target.cap)
            s.waiting += bytes.count
            if s.writer == nil { startWriter = true; s.writer = Task { [self] in await runWriter(target) } }
            return s.waiting >= chunkBytes
        }
        if signal || startWriter { wake.signal() }
    }

    /// Appends to a spool keeping it a tail of at most `cap` bytes (trimmed once it holds a chunk more, so a steady
    /// stream does not move the kept bytes on every read).
    static func append<Bytes: Collection>(_ bytes: Bytes, to spool: inout Spool, cap: Int) where Bytes.Element == UInt8 {
        if bytes.count >= cap {
            spool.skipped += Int64(spool.bytes.count + bytes.count - cap)
            spool.bytes = Array(bytes.suffix(cap))
            return
        }
        spool.bytes.append(contentsOf: bytes)
        if spool.bytes.count > cap + 64 * 1024 {
            let cut = spool.bytes.count - cap
            spool.bytes.removeFirst(cut)
            spool.skipped += Int64(cut)
        }
    }

    /// `failed` (an append the store did not take) followed by `later` (written since), as one spool of at most `cap`
    /// bytes: contiguous when `later` dropped nothing, else only `later`, with everything before it counted dropped.
    static func requeued(_ failed: Spool, before later: Spool, cap: Int) -> Spool {
        var merged = failed
        if later.skipped > 0 {
            merged.skipped += Int64(merged.bytes.count) + later.skipped
            merged.bytes = later.bytes
        } else {
            merged.bytes += later.bytes
        }
        if merged.bytes.count > cap {
            let cut = merged.bytes.count - cap
            merged.bytes.removeFirst(cut)
            merged.skipped += Int64(cut)
        }
        return merged
    }

    /// Writes what is waiting and stops the writer. Safe to call more than once.
    public func finish() async {
        let writer: Task<Void, Never>? = state.withLock { s in s.closing = true; return s.writer }
        guard let writer else { return }
        wake.signal()
        await writer.value
    }

    /// How long `finish` keeps trying to store the last output while the store does not answer (then the rest is
    /// lost, with one warning): the attempt's outcome waits for it, and a worker stopping must not wait for ever.
    static let finishPatienceSeconds = 15.0

    private func runWriter(_ target: Target) async {
        var failed = false
        var finishDeadline: Double?
        while true {
            if !state.withLock({ $0.closing }) {
                // After a failed append the store is given `interval` whatever is written meanwhile: a store that
                // refuses at once must not be asked again on every read of a busy job's output.
                if failed { try? await Task.sleep(nanoseconds: UInt64(interval * 1e9)) } else { await waitForWork() }
            } else if failed {
                // Closing with output the store has not taken: tried again for a while, not dropped at once (a job
                // that ended during a store restart lost what it printed during it).
                let deadline = finishDeadline ?? Clock.monotonicSeconds() + Self.finishPatienceSeconds
                finishDeadline = deadline
                guard Clock.monotonicSeconds() < deadline else { return }
                try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
            }
            failed = false
            let (batch, closing) = state.withLock { s -> ([(Int, Spool)], Bool) in
                let batch = s.spools.enumerated().filter { !$0.element.bytes.isEmpty || $0.element.skipped > 0 }.map { ($0.offset, $0.element) }
                s.spools = [Spool(), Spool()]
                s.waiting = 0
                return (batch, s.closing)
            }
            for (index, spool) in batch {
                let stream: OutputStreamName = index == 0 ? .stdout : .stderr
                do {
                    let held = try await target.store.appendOutput(spool.bytes, skipped: spool.skipped, jobID: target.jobID,
                                                                   attempt: target.attempt, stream: stream, worker: target.worker,
                                                                   cap: target.cap)
                    if !held {
                        state.withLock { s in s.held = false; s.spools = [Spool(), Spool()] }
                        return
                    }
                } catch {
                    // The store is unreachable: the bytes go back in front of what arrived since and are tried
                    // again with it (still a tail of at most `cap`), so an outage costs no output the store holds
                    // already (dropping them would make the next append replace it). An append the store made but
                    // could not confirm (the connection cut after it) is then stored twice: rare, and visible,
                    // where a loss would not be.
                    failed = true
                    let warn = state.withLock { s -> Bool in
                        s.spools[index] = Self.requeued(spool, before: s.spools[index], cap: target.cap)
                        s.waiting = s.spools.reduce(0) { $0 + $1.bytes.count }
                        defer { s.warned = true }
                        return !s.warned
                    }
                    if warn { target.logger.warning("could not store output of job \(target.jobID): \(error)") }
                }
            }
            if closing && !failed { return }
        }
    }

    private func waitForWork() async {
        let wake = self.wake, interval = self.interval
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await wake.wait() }
            group.addTask { try? await Task.sleep(nanoseconds: UInt64(interval * 1e9)) }
            await group.next()
            group.cancelAll()
        }
    }
}
