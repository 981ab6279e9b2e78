import Testing
@testable import Notify

@Suite("The worker's claims grow with the backlog and stay within the lease")
struct ClaimPacingTests {
    static func pacing() -> ClaimPacing {
        ClaimPacing(smallest: 20, largest: 1000, leaseSeconds: 60, gatherSeconds: 0.2, pollSeconds: 0.5)
    }

    @Test func aBacklogIsClaimedInGrowingClaimsWithoutPausing() {
        // Given a worker starting on a long backlog (every claim comes back full, 0.3 ms a message)
        var pacing = Self.pacing()
        var sizes = [pacing.limit]
        for _ in 0..<8 {
            // When each full claim has been sent
            let pause = pacing.finished(claimed: pacing.limit, seconds: Double(pacing.limit) * 0.0003)
            // Then the next is claimed at once, twice as large, up to the largest claim
            #expect(pause == 0)
            sizes.append(pacing.limit)
        }
        #expect(sizes == [20, 40, 80, 160, 320, 640, 1000, 1000, 1000])
    }

    @Test func aClaimThatEmptiedTheOutboxLetsTheNextMessagesGather() {
        var pacing = Self.pacing()
        _ = pacing.finished(claimed: 20, seconds: 0.01)
        _ = pacing.finished(claimed: 40, seconds: 0.01)
        // Given a claim of 80 that found only 30 due, when it is sent
        let pause = pacing.finished(claimed: 30, seconds: 0.01)
        // Then the worker waits the gathering pause, and the next claim fits what came (twice it)
        #expect(pause == 0.2)
        #expect(pacing.limit == 60)
        // And a claim that found nothing waits the poll and starts small again
        #expect(pacing.finished(claimed: 0, seconds: 0.001) == 0.5)
        #expect(pacing.limit == 20)
        // A trickle never claims less than the smallest claim
        _ = pacing.finished(claimed: 3, seconds: 0.01)
        #expect(pacing.limit == 20)
        // And a worker told to look at an empty outbox often never gathers for longer than that
        var eager = ClaimPacing(smallest: 20, leaseSeconds: 60, gatherSeconds: 0.2, pollSeconds: 0.05)
        #expect(eager.finished(claimed: 5, seconds: 0.01) == 0.05)
    }

    @Test func aSlowGatewayGetsClaimsItCanSendWithinHalfTheLease() {
        // Given a gateway taking 2 s a message and a 60 s lease
        var pacing = Self.pacing()
        // When a full claim of 20 took 40 s
        _ = pacing.finished(claimed: 20, seconds: 40)
        // Then the next claim is what 30 s sends: 15, not 40
        #expect(pacing.limit == 15)
        // And a gateway slower than half the lease a message still gets one at a time
        _ = pacing.finished(claimed: 15, seconds: 15 * 45)
        #expect(pacing.limit == 1)
    }
}
