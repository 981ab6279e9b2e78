import Foundation
import GRDB
import Testing
@testable import QueueCore

/// The worker records a batch's outcomes in the same transaction as its next claim: one commit a
/// batch while the outbox is busy.
@Suite("Recording a batch and claiming the next in one transaction")
struct RecordAndClaimTests {
    let fixture: QueueFixture
    let deliveries: Deliveries
    let now = QueueFixture.mondayMorning
    init() throws {
        fixture = try QueueFixture()
        deliveries = Deliveries(database: fixture.database)
    }

    @Test func theOutcomesAreRecordedAndTheNextDueMessagesClaimed() throws {
        // Given two citizens' confirmations, the first claimed and sent by worker w
        _ = try fixture.walkIn(citizen: 1)
        let first = try deliveries.claim(owner: "w", limit: 10, leaseSeconds: 30, at: now)
        _ = try fixture.walkIn(citizen: 2)
        let sent = Deliveries.Sent(templateKey: "msg_sms_booked", templateID: "1107", body: "text", providerID: "gw-1")
        // When w records the first batch and claims the next at once
        let (states, next) = try deliveries.recordAndClaim(first.map { ($0, .sent(sent)) }, owner: "w", retry: RetryPolicy(),
                                                           limit: 10, leaseSeconds: 30, at: now.addingTimeInterval(1))
        // Then the first batch is sent, and the second citizen's confirmation (only that) is w's now
        #expect(first.count == 1 && states == [.sent])
        #expect(try deliveries.message(first[0].id)?.state == .sent)
        #expect(next.count == 1 && next[0].id != first[0].id && next[0].state == .sending && next[0].attempts == 1)
        // And a second worker finds nothing due until w's lease runs out
        #expect(try deliveries.claim(owner: "v", limit: 10, leaseSeconds: 30, at: now.addingTimeInterval(2)).isEmpty)
    }

    @Test func anOutcomeWhoseLeaseWasLostChangesNothingAndTheClaimStillHappens() throws {
        // Given a message w claimed and whose lease ran out, so that v took it
        _ = try fixture.walkIn(citizen: 1)
        let mine = try deliveries.claim(owner: "w", limit: 10, leaseSeconds: 30, at: now)
        _ = try deliveries.claim(owner: "v", limit: 10, leaseSeconds: 30, at: now.addingTimeInterval(31))
        _ = try fixture.walkIn(citizen: 2)
        // When w records its late failure together with its next claim
        let (states, next) = try deliveries.recordAndClaim(mine.map { ($0, .failed(reason: "timeout", permanent: false)) }, owner: "w",
                                                           retry: RetryPolicy(), limit: 10, leaseSeconds: 30, at: now.addingTimeInterval(32))
        // Then the message stays v's (no state for w's outcome), and w still claims the new confirmation
        #expect(states == [nil])
        #expect(try deliveries.message(mine[0].id)?.state == .sending)
        #expect(next.count == 1 && next[0].id != mine[0].id)
    }
}
