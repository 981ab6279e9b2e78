import Foundation
import Testing
@testable import QueueCore

/// The manager's report over a day played through the queue with a known clock, its figures
/// worked out by hand from the timeline below.
@Suite("Office report")
struct ReportTests {
    /// 10:00 in Vadodara on Monday 30 November 2026, plus minutes.
    static func at(_ minutes: Double) -> Date { QueueFixture.mondayMorning.addingTimeInterval(-3600 + minutes * 60) }

    @Test func aPlayedDayGivesTheFiguresWorkedOutByHand() throws {
        let fixture = try QueueFixture()
        let queue = fixture.queue
        let asha = try StaffAccounts(database: fixture.database).addUser(
            username: "asha", displayName: "Asha Desai", password: "a long enough password", role: .counterStaff,
            office: "VAD-247", counterNumber: nil, at: Self.at(-60))
        let clerk = Actor.staff(id: asha.id, username: asha.username)
        let counter = try fixture.openCounter("VAD-247", 9, serving: ["bill-complaint", "meter-complaint"])
        _ = try queue.setCounter(counter, to: .closed, actor: clerk, at: Self.at(-60))
        // Given the day: the counter opens at 10:00, pauses 10:40-10:50, closes at 11:00
        _ = try queue.setCounter(counter, to: .open, actor: clerk, at: Self.at(0))
        let first = try fixture.walkIn("bill-complaint", citizen: 1, at: Self.at(0))
        let second = try fixture.walkIn("bill-complaint", citizen: 2, at: Self.at(5))
        let third = try fixture.walkIn("meter-complaint", citizen: 3, at: Self.at(10))
        // first: called 10:02 (waited 2), served 10:03-10:11 (8 minutes)
        _ = try queue.call(token: first.id, counter: counter, actor: clerk, at: Self.at(2))
        _ = try queue.start(token: first.id, counter: counter, actor: clerk, at: Self.at(3))
        _ = try queue.complete(token: first.id, counter: counter, actor: clerk, at: Self.at(11))
        // second: called 10:12 (waited 7), served 10:12-10:16 (4 minutes)
        _ = try queue.call(token: second.id, counter: counter, actor: clerk, at: Self.at(12))
        _ = try queue.start(token: second.id, counter: counter, actor: clerk, at: Self.at(12))
        _ = try queue.complete(token: second.id, counter: counter, actor: clerk, at: Self.at(16))
        // third: called 10:20 (waited 10), called again twice, did not come at 10:25
        _ = try queue.call(token: third.id, counter: counter, actor: clerk, at: Self.at(20))
        _ = try queue.recall(token: third.id, counter: counter, actor: clerk, at: Self.at(21))
        _ = try queue.recall(token: third.id, counter: counter, actor: clerk, at: Self.at(22))
        _ = try queue.markNoShow(token: third.id, counter: counter, actor: clerk, at: Self.at(25))
        // fourth: booked 10:30 and cancelled by the citizen
        let fourth = try fixture.walkIn("bill-complaint", citizen: 4, at: Self.at(30))
        _ = try queue.cancel(token: fourth.id, actor: .citizen, at: Self.at(31))
        _ = try queue.setCounter(counter, to: .paused, reason: "tea", actor: clerk, at: Self.at(40))
        _ = try queue.setCounter(counter, to: .open, actor: clerk, at: Self.at(50))
        _ = try queue.setCounter(counter, to: .closed, actor: clerk, at: Self.at(60))

        // When the manager asks for the day's report at 11:10
        let report = try queue.report(office: "VAD-247", from: "2026-11-30", to: "2026-11-30", at: Self.at(70))

        // Then
        #expect(report.totals.tokens == 4 && report.totals.served == 2 && report.totals.noShows == 1 && report.totals.cancelled == 1)
        #expect(abs((report.totals.noShowRate ?? 0) - 1.0 / 3) < 1e-9)
        // waits 2, 7, 10 minutes; service times 8 and 4 minutes (linear interpolation between ranks)
        #expect(close(report.totals.waitP50Minutes, 7) && close(report.totals.waitP90Minutes, 9.4))
        #expect(close(report.totals.serviceP50Minutes, 6) && close(report.totals.serviceP90Minutes, 7.6))
        let bills = try #require(report.byService.first { $0.service == "bill-complaint" }?.figures)
        #expect(bills.tokens == 3 && bills.served == 2 && bills.noShows == 0 && bills.noShowRate == 0)
        let meters = try #require(report.byService.first { $0.service == "meter-complaint" }?.figures)
        #expect(meters.noShowRate == 1 && meters.serviceP50Minutes == nil)
        #expect(report.byHour.count == 24 && report.byHour[10].tokens == 4 && report.byHour.map(\.tokens).reduce(0, +) == 4)
        #expect(report.byClerk == [OfficeReport.ClerkFigures(username: "asha", displayName: "Asha Desai", served: 2, averageServiceMinutes: 6)])
        // open 10:00-10:40 and 10:50-11:00 = 50; busy 10:02-10:11, 10:12-10:16, 10:20-10:25 = 18
        let times = try #require(report.counters.first { $0.counter == 9 })
        #expect(close(times.openMinutes, 50) && close(times.busyMinutes, 18) && close(times.idleMinutes, 32))
    }

    @Test func aReportRefusesBadRanges() throws {
        let fixture = try QueueFixture()
        let queue = fixture.queue
        #expect(throws: QueueError.self) { try queue.report(office: "VAD-247", from: "2026-13-01", to: "2026-13-01", at: Self.at(0)) }
        #expect(throws: QueueError.self) { try queue.report(office: "VAD-247", from: "2026-11-30", to: "2026-11-01", at: Self.at(0)) }
        #expect(throws: QueueError.self) { try queue.report(office: "VAD-247", from: "2026-01-01", to: "2026-12-31", at: Self.at(0)) }
        #expect(throws: QueueError.officeNotFound("NOPE")) { try queue.report(office: "NOPE", from: "2026-11-30", to: "2026-11-30", at: Self.at(0)) }
    }

    private func close(_ value: Double?, _ expected: Double) -> Bool {
        guard let value else { return false }
        return abs(value - expected) < 1e-6
    }
}
