/// How the delay before the next attempt grows.
public enum Backoff: String, Sendable, CaseIterable, Codable {
    /// base × 2^(n-1), with ±20 % jitter, capped.
    case exponential
    /// base every time.
    case fixed
    /// base × n, capped.
    case linear
}

/// Retry maths: the delay before the attempt after failed attempt `n` (1-based). Lives only here, in the engine.
public struct RetryPolicy: Sendable, Equatable {
    public var backoff: Backoff
    /// Base delay in milliseconds.
    public var baseDelayMillis: Int64
    /// Upper bound for exponential and linear delays, in milliseconds.
    public var maxDelayMillis: Int64

    public static let defaultBaseDelayMillis: Int64 = 10_000
    public static let defaultMaxDelayMillis: Int64 = 3_600_000
    /// Jitter fraction applied to exponential delays.
    public static let jitter = 0.2

    public init(backoff: Backoff = .exponential, baseDelayMillis: Int64 = RetryPolicy.defaultBaseDelayMillis,
                maxDelayMillis: Int64 = RetryPolicy.defaultMaxDelayMillis) {
        self.backoff = backoff
        self.baseDelayMillis = max(0, baseDelayMillis)
        self.maxDelayMillis = max(self.baseDelayMillis, maxDelayMillis)
    }

    /// Delay after failed attempt `failedAttempt` (1-based). `unit` in 0..<1 drives the jitter (random by default).
    public func delayMillis(afterAttempt failedAttempt: Int, unit: Double = Double.random(in: 0..<1)) -> Int64 {
        let n = max(1, failedAttempt)
        switch backoff {
        case .fixed:
            return baseDelayMillis
        case .linear:
            return min(maxDelayMillis, baseDelayMillis.multipliedReportingOverflow(by: Int64(n)).partialValue)
        case .exponential:
            let exponent = min(n - 1, 40)
            let raw = Double(baseDelayMillis) * Double(1 << exponent)
            let capped = min(Double(maxDelayMillis), raw)
            let factor = 1 - RetryPolicy.jitter + 2 * RetryPolicy.jitter * unit
            return Int64(min(Double(maxDelayMillis), capped * factor))
        }
    }
}
