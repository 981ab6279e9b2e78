import Foundation
import GRDB
import Testing
@testable import QueueCore

@Suite("A citizen without a token, booked at the counter")
struct CounterWalkInTests {
    let fixture: QueueFixture
    let start = QueueFixture.mondayMorning
    init() throws { fixture = try QueueFixture() }

    @Test func servedAtOnceWithoutANameOrPhoneAndLoggedAsTheClerks() throws {
        // Given counter 1 of the 24x7 office, open and free
        let counter = try fixture.counterID("VAD-247", 1)
        // When the clerk books a citizen with no phone and serves them now
        let token = try fixture.queue.walkInAtCounter(counter, service: "bill-complaint", citizen: CitizenDetails(name: "", phone: " "),
                                                      serveNow: true, actor: fixture.clerk, at: start)
        // Then the token is being served at this counter, and each step is the clerk's event
        #expect(token.state == .serving && token.counterID == counter && token.number == "BC-001")
        let rows = try fixture.events(of: token.id)
        #expect(rows.map { $0["kind"] as String } == ["booked", "called", "started"])
        #expect(rows.allSatisfy { ($0["actor"] as String) == "staff:1:clerk" })
        #expect(try fixture.queue.tokenAt(counter: counter, at: start)?.id == token.id)
    }

    @Test func addedToTheQueueItWaitsLikeAnyWalkIn() throws {
        let counter = try fixture.counterID("VAD-247", 1)
        let token = try fixture.queue.walkInAtCounter(counter, service: "meter-complaint", citizen: CitizenDetails(name: "", phone: ""),
                                                      serveNow: false, actor: fixture.clerk, at: start)
        #expect(token.state == .waiting && token.counterID == nil)
        #expect(try fixture.queue.desk(counter: counter, at: start).waiting.map(\.number) == ["MC-001"])
    }

    @Test func aBusyCounterOrAnotherCountersServiceBooksNothing() throws {
        // Given counter 1 attending to someone
        let counter = try fixture.counterID("VAD-247", 1)
        _ = try fixture.walkIn()
        _ = try fixture.queue.callNext(counter: counter, actor: fixture.clerk, at: start)
        // Then a walk-in to serve now is refused, and no number is used up
        #expect(throws: QueueError.counterBusy(number: 1, token: "BC-001")) {
            try fixture.queue.walkInAtCounter(counter, service: "bill-complaint", citizen: CitizenDetails(name: "", phone: ""),
                                              serveNow: true, actor: fixture.clerk, at: start)
        }
        // And a service counter 3 does not serve cannot be served there
        let three = try fixture.counterID("VAD-247", 3)
        #expect(throws: QueueError.counterDoesNotServe(number: 3, service: "bill-complaint")) {
            try fixture.queue.walkInAtCounter(three, service: "bill-complaint", citizen: CitizenDetails(name: "", phone: ""),
                                              serveNow: true, actor: fixture.clerk, at: start)
        }
        let next = try fixture.walkIn(citizen: 2)
        #expect(next.number == "BC-002")
        // And only staff may book without a name and phone this way
        #expect(throws: QueueError.self) {
            try fixture.queue.walkInAtCounter(counter, service: "bill-complaint", citizen: CitizenDetails(name: "", phone: ""),
                                              serveNow: false, actor: .citizen, at: start)
        }
    }
}
