import Foundation
import Testing
@testable import QueueCore

/// Who is at a counter, as the wait forecast counts it: the console's heartbeat and its beacon.
@Suite("Presence at a counter")
struct CounterPresenceTests {
    @Test func aClerkClosingTheirConsoleLeavesTheCounterStaffedWhileAColleagueIsStillAtIt() throws {
        // Given counter 1 of VAD-247 (open) with two clerks signed in at it: Bhavna's console beat a
        // minute ago, Amit's a moment ago
        let fixture = try QueueFixture()
        let now = QueueFixture.mondayMorning
        let counter = try fixture.counterID("VAD-247", 1)
        let amit = Actor.staff(id: 1, username: "amit"), bhavna = Actor.staff(id: 2, username: "bhavna")
        try fixture.queue.heartbeat(counter: counter, actor: bhavna, at: now)
        try fixture.queue.heartbeat(counter: counter, actor: amit, at: now.plus(minutes: 1))
        #expect(try fixture.queue.live.office("VAD-247", at: now).counters.first { $0.id == counter }?.isOpen == true)
        #expect(try attended(fixture, at: now.plus(minutes: 1.5)))
        // When Amit closes his console (the beacon)
        try fixture.queue.leave(counter: counter, actor: amit, at: now.plus(minutes: 1.5))
        // Then the counter still counts as staffed, in the live picture and read afresh
        #expect(try attended(fixture, at: now.plus(minutes: 1.6)))
        fixture.queue.live.forget()
        #expect(try attended(fixture, at: now.plus(minutes: 1.6)))
        // And when Bhavna closes hers too, nobody is at it any more
        try fixture.queue.leave(counter: counter, actor: bhavna, at: now.plus(minutes: 1.7))
        #expect(try !attended(fixture, at: now.plus(minutes: 1.8)))
        fixture.queue.live.forget()
        #expect(try !attended(fixture, at: now.plus(minutes: 1.8)))
    }

    @Test func theLastClerkLeavingMakesTheCounterUnattendedAtOnce() throws {
        // Given one clerk at counter 1
        let fixture = try QueueFixture()
        let now = QueueFixture.mondayMorning
        let counter = try fixture.counterID("VAD-247", 1)
        try fixture.queue.heartbeat(counter: counter, actor: fixture.clerk, at: now)
        // When their console closes, a moment later
        try fixture.queue.leave(counter: counter, actor: fixture.clerk, at: now.plus(minutes: 0.5))
        // Then the counter is unattended now, not three minutes after the last heartbeat
        #expect(try !attended(fixture, at: now.plus(minutes: 0.6)))
    }

    private func attended(_ fixture: QueueFixture, number: Int = 1, at now: Date) throws -> Bool {
        let office = try fixture.queue.live.office("VAD-247", at: now)
        return !office.unattendedCounters(at: now).contains { $0.number == number }
    }
}
