import Foundation
import Testing
@testable import QueueCore

@Suite("Park and call back")
struct ParkTests {
    let fixture: QueueFixture
    let start = QueueFixture.mondayMorning
    init() throws { fixture = try QueueFixture() }

    @Test func aParkedCitizenIsOutOfTheOrderThenCalledBackToTheSameCounterAheadOfLaterArrivals() throws {
        let queue = fixture.queue, clerk = fixture.clerk
        let one = try fixture.counterID("VAD-247", 1), two = try fixture.counterID("VAD-247", 2)
        // Given BC-001 called to counter 1 and found without their ID proof, and BC-002 waiting
        let first = try fixture.walkIn(citizen: 1)
        let second = try fixture.walkIn(citizen: 2, at: start.plus(minutes: 1))
        _ = try queue.callNext(counter: one, actor: clerk, at: start.plus(minutes: 2))
        // When the clerk parks them, expected back in 30 minutes
        let parked = try queue.park(token: first.id, counter: one, reason: "missing document", until: start.plus(minutes: 32),
                                    actor: clerk, at: start.plus(minutes: 3))
        #expect(parked.state == .parked && parked.counterID == nil)
        // Then nobody calls them while parked: counter 2 gets BC-002, the desk lists them as parked at counter 1
        let desk = try queue.desk(counter: one, at: start.plus(minutes: 4))
        #expect(desk.current == nil && desk.waiting.isEmpty == false && !desk.waiting.contains { $0.number == "BC-001" })
        #expect(desk.parked.map(\.number) == ["BC-001"] && desk.parked.first?.reason == "missing document")
        #expect(desk.parked.first?.until == start.plus(minutes: 32))
        #expect(try queue.status(of: second.id, at: start.plus(minutes: 4))?.position?.ahead == 0)
        // And a later arrival, then the citizen back: counter 1 calls them before the later arrival
        _ = try fixture.walkIn(citizen: 3, at: start.plus(minutes: 10))
        _ = try queue.resume(token: first.id, counter: one, actor: clerk, at: start.plus(minutes: 20))
        #expect(try queue.callNext(counter: two, actor: clerk, at: start.plus(minutes: 21))?.number == "BC-002")
        #expect(try queue.callNext(counter: one, actor: clerk, at: start.plus(minutes: 21))?.number == "BC-001")
        let kinds = try fixture.events(of: first.id).map { $0["kind"] as String }
        #expect(kinds == ["booked", "called", "parked", "resumed", "called"])
    }

    @Test func onlyTheCounterThatParkedACitizenTakesThemBack() throws {
        let queue = fixture.queue, clerk = fixture.clerk
        let one = try fixture.counterID("VAD-247", 1), two = try fixture.counterID("VAD-247", 2)
        let token = try fixture.walkIn()
        _ = try queue.callNext(counter: one, actor: clerk, at: start)
        _ = try queue.park(token: token.id, counter: one, reason: "signature needed", until: nil, actor: clerk, at: start)
        #expect(throws: QueueError.illegalTransition(action: .resume, from: .parked)) {
            try queue.resume(token: token.id, counter: two, actor: clerk, at: start)
        }
        // A parked token is still the citizen's: active, not cancelled or lost at the counter
        #expect(try queue.status(of: token.id, at: start)?.token.state.isActive == true)
        // And parking needs a reason
        let other = try fixture.walkIn(citizen: 2)
        _ = try queue.callNext(counter: two, actor: clerk, at: start)
        #expect(throws: QueueError.self) {
            try queue.park(token: other.id, counter: two, reason: " ", until: nil, actor: clerk, at: start)
        }
    }

    @Test func theForecastDoesNotPlayAParkedCitizenAsWaiting() throws {
        // Given two citizens waiting for counter 3's service and the first parked
        let queue = fixture.queue, clerk = fixture.clerk
        let three = try fixture.counterID("VAD-247", 3)
        let first = try fixture.walkIn("new-lt-connection", citizen: 1)
        let second = try fixture.walkIn("new-lt-connection", citizen: 2, at: start.plus(minutes: 1))
        let before = try #require(try queue.status(of: second.id, at: start.plus(minutes: 1))?.position)
        #expect(before.ahead == 1)
        _ = try queue.callNext(counter: three, actor: clerk, at: start.plus(minutes: 2))
        _ = try queue.park(token: first.id, counter: three, reason: "payment", until: nil, actor: clerk, at: start.plus(minutes: 3))
        // Then the second has nobody before them (the parked one is not waiting)
        let after = try #require(try queue.status(of: second.id, at: start.plus(minutes: 3))?.position)
        #expect(after.ahead == 0)
    }
}
