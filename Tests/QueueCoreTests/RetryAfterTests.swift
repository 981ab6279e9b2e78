import Testing
@testable import QueueCore

@Suite("A channel's Retry-After: not sooner than asked, never beyond the longest wait")
struct RetryAfterTests {
    let policy = RetryPolicy(maxAttempts: 6, baseSeconds: 10, maxDelaySeconds: 600)

    @Test func aLongerRetryAfterPutsTheNextAttemptLater() {
        // Given a first failure, whose own backoff is 5-10 s, when the service asked for 120 s
        #expect(policy.delay(afterAttempts: 1, unit: 0.5, notSoonerThan: 120) == 120)
    }

    @Test func aShorterRetryAfterLeavesTheBackoff() {
        // Given a fourth failure (backoff 40-80 s) when the service asked for 5 s
        #expect(policy.delay(afterAttempts: 4, unit: 0.5, notSoonerThan: 5) == policy.delay(afterAttempts: 4, unit: 0.5))
    }

    @Test func aRetryAfterBeyondTheLimitWaitsTheLimit() {
        #expect(policy.delay(afterAttempts: 1, unit: 0, notSoonerThan: 86_400) == 600)
    }
}
