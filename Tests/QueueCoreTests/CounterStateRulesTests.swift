import Foundation
import GRDB
import Testing
@testable import QueueCore

/// A clerk's open, pause and close are held to the desk's rules inside `setCounter`'s own write, so
/// that the check and the change are one transaction.
@Suite("Opening, pausing and closing a counter")
struct CounterStateRulesTests {
    @Test func whatTheDeskRefusesSetCounterRefusesAndLogsNothing() throws {
        // Given counter 1 of VAD-247, open
        let fixture = try QueueFixture()
        let now = QueueFixture.mondayMorning
        let counter = try fixture.counterID("VAD-247", 1)
        _ = try fixture.queue.setCounter(counter, to: .open, actor: fixture.clerk, at: now)
        let before = try eventCount(fixture)
        // When the clerk's console opens it again, the desk's refusal comes back, with its code and words
        #expect(throws: QueueError.counterRefused(CounterRefusal(code: "already_open", message: "The counter is open."))) {
            try fixture.queue.setCounter(counter, to: .open, asTheDeskAllows: true, actor: fixture.clerk, at: now)
        }
        // And with a citizen called to it, it cannot close
        _ = try fixture.walkIn(at: now)
        _ = try #require(try fixture.queue.callNext(counter: counter, actor: fixture.clerk, at: now))
        let afterCall = try eventCount(fixture)
        #expect(afterCall > before)
        #expect(throws: QueueError.counterRefused(CounterRefusal(code: "counter_busy", message: "Finish with the citizen at the counter first."))) {
            try fixture.queue.setCounter(counter, to: .closed, asTheDeskAllows: true, actor: fixture.clerk, at: now)
        }
        // Then nothing of the refused changes reached the audit log
        #expect(try eventCount(fixture) == afterCall)
        // And the desk offers exactly what setCounter allows
        let desk = try fixture.queue.desk(counter: counter, at: now)
        #expect(desk.refusals["open"]?.code == "already_open" && desk.refusals["close"]?.code == "counter_busy")
        #expect(desk.actions.contains("pause"))
    }

    @Test func aClosedCounterCannotPauseButOpensAndThenPauses() throws {
        // Given counter 2 of VAD-247, closed
        let fixture = try QueueFixture()
        let now = QueueFixture.mondayMorning
        let counter = try fixture.counterID("VAD-247", 2)
        try fixture.execute("UPDATE counter SET state = 'closed' WHERE id = ?", [counter])
        // When the clerk pauses it, it is refused as the desk says; closing it again too
        #expect(throws: QueueError.counterRefused(CounterRefusal(code: "counter_not_open", message: "The counter is not open."))) {
            try fixture.queue.setCounter(counter, to: .paused, reason: "Tea", asTheDeskAllows: true, actor: fixture.clerk, at: now)
        }
        #expect(throws: QueueError.counterRefused(CounterRefusal(code: "already_closed", message: "The counter is closed."))) {
            try fixture.queue.setCounter(counter, to: .closed, asTheDeskAllows: true, actor: fixture.clerk, at: now)
        }
        // Then opening and pausing go through as before
        #expect(try fixture.queue.setCounter(counter, to: .open, asTheDeskAllows: true, actor: fixture.clerk, at: now).state == .open)
        let paused = try fixture.queue.setCounter(counter, to: .paused, reason: "Tea", asTheDeskAllows: true, actor: fixture.clerk, at: now)
        #expect(paused.state == .paused && paused.pauseReason == "Tea")
        // While an operator's command (not held to the desk) may still open an open counter, as it always could
        _ = try fixture.queue.setCounter(counter, to: .open, actor: .system, at: now)
        #expect(try fixture.queue.setCounter(counter, to: .open, actor: .system, at: now).state == .open)
    }

    private func eventCount(_ fixture: QueueFixture) throws -> Int {
        try fixture.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM event") ?? 0 }
    }
}
