import Foundation
import Testing
@testable import QueueCore

@Suite("Breaks timed, reported per clerk and counter, flagged over the office's limit")
struct CounterBreakTests {
    let fixture: QueueFixture
    let start = QueueFixture.mondayMorning  // 11:00 in Vadodara
    init() throws { fixture = try QueueFixture() }

    @Test func aBreakIsTimedFromItsPauseToItsReopeningAndFlaggedPastTheLimit() throws {
        // Given counter 1 paused for lunch by the clerk at 11:00 and opened at 11:40, and counter 2
        // paused for tea at 12:00 and still paused at 12:10 (the office allows 30 minutes)
        let queue = fixture.queue, clerk = fixture.clerk
        let one = try fixture.counterID("VAD-247", 1), two = try fixture.counterID("VAD-247", 2)
        try fixture.execute("INSERT INTO staff_user (id, username, display_name, password_hash, role, office_code, created_at) VALUES (1, 'clerk', 'Clerk One', 'x', 'counter_staff', 'VAD-247', 0)")
        _ = try queue.setCounter(one, to: .paused, reason: "lunch", actor: clerk, at: start)
        _ = try queue.setCounter(one, to: .open, actor: clerk, at: start.plus(minutes: 40))
        _ = try queue.setCounter(two, to: .paused, reason: "tea break", actor: clerk, at: start.plus(minutes: 60))
        let now = start.plus(minutes: 70)
        // When the manager reads the day's report
        let report = try queue.report(office: "VAD-247", from: "2026-11-30", to: "2026-11-30", at: now)
        // Then both breaks are there, by counter and clerk, the first over the limit, the second running
        #expect(report.breakLimitMinutes == 30)
        #expect(report.breaks.map(\.counter) == [1, 2])
        #expect(report.breaks[0].reason == "lunch" && report.breaks[0].minutes == 40 && report.breaks[0].overLimit)
        #expect(report.breaks[0].username == "clerk" && report.breaks[0].displayName == "Clerk One" && report.breaks[0].day == "2026-11-30")
        #expect(report.breaks[1].endedAt == nil && report.breaks[1].minutes == 10 && !report.breaks[1].overLimit)
        // And the console's desk and the office now time the running break
        #expect(try queue.desk(counter: two, at: now).pausedAt == start.plus(minutes: 60))
        #expect(try queue.desk(counter: one, at: now).pausedAt == nil)
        let late = try queue.officeNow(office: "VAD-247", at: start.plus(minutes: 95))
        let counterTwo = try #require(late.counters.first { $0.number == 2 })
        #expect(counterTwo.pausedAt == start.plus(minutes: 60) && counterTwo.overBreakLimit)
    }
}
