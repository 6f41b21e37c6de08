import Testing
@testable import TaskKit

/// What the Redis enqueue scripts receive for a job (the scripts themselves run in the conformance suite).
@Suite("Redis enqueue arguments")
struct RedisEnqueueArgumentsTests {
    @Test func aJobIsThirteenPlainValues() {
        var due = NewJob(name: "n", task: "noop", args: .obj(("a", .int(1))), queue: "q", priority: 8, maxRetries: 2)
        due.timeoutMillis = 5_000
        due.uniqueKey = "k"
        var later = NewJob(name: "l", task: "echo", runAt: t0 + 60_000)
        later.retryPolicy = RetryPolicy(backoff: .fixed, baseDelayMillis: 250)
        var args: [String] = []
        RedisStore.appendEnqueueArguments(due, now: t0, to: &args)
        RedisStore.appendEnqueueArguments(later, now: t0, to: &args)
        #expect(args.count == 2 * RedisScripts.enqueueWidth)
        #expect(Array(args[0..<13]) == ["n", "noop", #"{"a":1}"#, "q", "8", "2", "exponential", String(RetryPolicy.defaultBaseDelayMillis), "5000", String(t0), "k",
                                        "pending", String(2 * 10_000_000_000_000 + t0)])
        #expect(Array(args[13..<26]) == ["l", "echo", "{}", "default", "5", "3", "fixed", "250", "", String(t0 + 60_000), "",
                                         "scheduled", String(t0 + 60_000)])
    }

    @Test func readyScoresOrderByPriorityThenDueTime() {
        #expect(RedisStore.readyScore(priority: 10, runAt: t0) == t0)
        #expect(RedisStore.readyScore(priority: 0, runAt: t0) == 10 * 10_000_000_000_000 + t0)
        #expect(RedisStore.readyScore(priority: 9, runAt: t0 + 1) < RedisStore.readyScore(priority: 8, runAt: t0))
        // Out-of-range values (no builder lets them through) saturate instead of trapping.
        #expect(RedisStore.readyScore(priority: 0, runAt: .max) == .max)
        #expect(RedisStore.readyScore(priority: .min, runAt: 0) == .max)
        #expect(RedisStore.readyScore(priority: .max, runAt: 0) == .min)
    }
}
