#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Milliseconds since the Unix epoch, UTC. Every store call that reads the clock takes one of these.
public typealias Millis = Int64

/// The wall clock, in milliseconds.
public enum Clock {
    public static func now() -> Millis { nowMicros() / 1000 }

    /// The wall clock in microseconds since the Unix epoch (log records).
    public static func nowMicros() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }

    /// Monotonic seconds, for measuring intervals.
    public static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
