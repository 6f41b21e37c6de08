import Testing
@testable import TaskKit
@testable import TaskqServer

/// The login's two bounds: per user name (`LoginThrottle`, attempts in flight counted as failures) and server-wide
/// (`PasswordCheckLimit` in TaskKit, bcrypt runs at a time).
@Suite("serve: login limits")
struct LoginLimitTests {
    @Test func attemptsInFlightCountAsFailuresUntilTheyEnd() {
        let throttle = LoginThrottle(allowed: 2, lockMillis: 1_000)
        #expect(throttle.begin(user: "a", now: 0) == nil)
        #expect(throttle.begin(user: "a", now: 0) == nil)
        #expect(throttle.begin(user: "a", now: 0) != nil, "a third guess while two are being checked")
        #expect(throttle.begin(user: "b", now: 0) == nil, "another name is not held")
        throttle.end(user: "a", .notChecked, now: 1)
        #expect(throttle.begin(user: "a", now: 1) == nil, "an attempt never checked leaves its place")
        throttle.end(user: "a", .failed, now: 2)
        throttle.end(user: "a", .failed, now: 3)
        #expect(throttle.begin(user: "a", now: 4) == 998, "two failures: wait until the older one is a window old")
        #expect(throttle.begin(user: "a", now: 1_002) == nil, "the older failure left the window")
        throttle.end(user: "a", .succeeded, now: 1_003)
        #expect(throttle.begin(user: "a", now: 1_004) == nil)
        #expect(throttle.begin(user: "a", now: 1_004) == nil, "a success cleared the failures")
    }

    @Test func placesAreHandedOverInTurnAndTooManyWaitingAreTurnedAway() async throws {
        let limit = PasswordCheckLimit(capacity: 1, maxWaiting: 1)
        #expect(await limit.acquire())
        let waiter = Task { await limit.acquire() }
        while await limit.waitingCount == 0 { try await Task.sleep(nanoseconds: 1_000_000) }
        #expect(await limit.acquire() == false, "a second login waiting when one may")
        await limit.release()
        #expect(await waiter.value, "the place went to the login that waited")
        await limit.release()
        #expect(await limit.acquire(), "free again once the waiter's check ended")
        #expect(await limit.waitingCount == 0)
    }
}
