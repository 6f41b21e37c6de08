import TaskKit
#if canImport(Glibc)
import Glibc
#endif

/// `run-worker --burst` on a terminal: a progress line below the log, redrawn four times a second,
/// `drain [########----------] 4500/10000 · 3210 jobs/s`. Done counts the attempts this worker ended; the rest is
/// what waits or runs in its queues now (other workers' share included), read from the store's maintained counts.
enum DrainProgress {
    /// Whether the line is drawn: a burst drain whose text log goes to a terminal.
    static func wanted(burst: Bool, logFormat: String) -> Bool {
        burst && logFormat == "text" && Output.stderrIsTerminal
    }

    /// Draws until cancelled, then removes the line.
    static func start(worker: Worker, store: TaskqStore, queues: [String]) -> Task<Void, Never> {
        Task {
            let started = Clock.monotonicSeconds()
            let watched = Set(queues)
            while !Task.isCancelled {
                if let counts = try? await store.counts() {
                    let left = counts.filter { watched.contains($0.queue) && ($0.state == .pending || $0.state == .running) }
                        .reduce(0) { $0 + $1.count }
                    let done = worker.finishedAttempts
                    StatusLine.set(line(done: done, left: left, seconds: Clock.monotonicSeconds() - started))
                }
                try? await Task.sleep(nanoseconds: 250_000_000)
            }
            StatusLine.set(nil)
        }
    }

    /// `drain [#####-----] done/total · N jobs/s` (total = done + left).
    static func line(done: Int, left: Int, seconds: Double) -> String {
        let total = done + left, width = 30
        let filled = total == 0 ? width : min(width, done * width / total)
        let rate = seconds > 0.5 ? " · \(Int((Double(done) / seconds).rounded())) jobs/s" : ""
        return "drain [\(String(repeating: "#", count: filled))\(String(repeating: "-", count: width - filled))] \(done)/\(total)\(rate)"
    }
}
