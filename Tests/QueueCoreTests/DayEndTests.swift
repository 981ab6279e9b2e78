import Foundation
import GRDB
import Testing
@testable import QueueCore

/// The day-end job on a known clock: Surat Varachha (SRT-VRC) closes at 18:30 India time, Monday to
/// Saturday; Vadodara (VAD-247) is open around the clock and closes its day at midnight.
@Suite("Day-end job")
struct DayEndTests {
    /// Monday 30 November 2026 in India, at hour:minute.
    static func monday(_ hour: Int, _ minute: Int = 0) -> Date {
        ISO8601DateFormatter().date(from: String(format: "2026-11-30T%02d:%02d:00+05:30", hour, minute)) ?? Date()
    }

    static func states(_ fixture: QueueFixture, _ tokens: [Token]) throws -> [TokenState] {
        try tokens.map { try #require(try fixture.queue.token($0.id)).state }
    }

    /// Surat's demo slots start on the half hour (it opens at 10:30).
    static func suratSlot(_ fixture: QueueFixture, weekday: Int, startingAt minute: Int) throws -> Int64 {
        try #require(try fixture.database.writer.read { db in
            try Int64.fetchOne(db, sql: """
                SELECT id FROM appointment_slot WHERE office_code = 'SRT-VRC' AND service_code = 'new-lt-connection' AND weekday = ? AND starts_at = ?
                """, arguments: [weekday, minute])
        })
    }

    @Test func atClosingTheOpenTokensOfThatDayAndOfficeExpireAndNoOthers() throws {
        // Given at Surat on Monday: one waiting, one called, one being served, an appointment for
        // today not checked in and one for tomorrow; and a waiting token at Rajkot
        let fixture = try QueueFixture()
        let queue = fixture.queue
        let counter = try fixture.openCounter("SRT-VRC", 9, serving: ["bill-complaint"])
        let served = try fixture.walkIn(office: "SRT-VRC", citizen: 1, at: Self.monday(11))
        let called = try fixture.walkIn(office: "SRT-VRC", citizen: 2, at: Self.monday(11, 5))
        let waiting = try fixture.walkIn(office: "SRT-VRC", citizen: 3, at: Self.monday(11, 10))
        _ = try queue.call(token: served.id, counter: counter, actor: fixture.clerk, at: Self.monday(12))
        _ = try queue.start(token: served.id, counter: counter, actor: fixture.clerk, at: Self.monday(12, 1))
        let second = try fixture.openCounter("SRT-VRC", 8, serving: ["bill-complaint"])
        _ = try queue.call(token: called.id, counter: second, actor: fixture.clerk, at: Self.monday(18, 20))
        let bookedToday = try queue.book(BookingRequest(
            officeCode: "SRT-VRC", serviceCode: "new-lt-connection", citizen: QueueFixture.citizen(4),
            appointment: (try Self.suratSlot(fixture, weekday: 1, startingAt: 16 * 60 + 30), "2026-11-30")), at: Self.monday(11))
        let bookedTomorrow = try queue.book(BookingRequest(
            officeCode: "SRT-VRC", serviceCode: "new-lt-connection", citizen: QueueFixture.citizen(5),
            appointment: (try Self.suratSlot(fixture, weekday: 2, startingAt: 11 * 60 + 30), "2026-12-01")), at: Self.monday(11))
        let elsewhere = try fixture.walkIn(office: "RJT-C1", citizen: 6, at: Self.monday(11))
        let watched = [waiting, called, bookedToday, served, bookedTomorrow, elsewhere]

        // When the day-end job runs for Surat a minute before closing
        #expect(try queue.endDay(office: "SRT-VRC", at: Self.monday(18, 29)).expired == 0)
        #expect(try Self.states(fixture, watched) == [.waiting, .called, .booked, .serving, .booked, .waiting])

        // When it runs at closing
        let result = try queue.endDay(office: "SRT-VRC", at: Self.monday(18, 30))

        // Then the waiting, called and booked tokens of that day expired; the one at the counter,
        // tomorrow's appointment and the other office's token did not
        #expect(result.expired == 3)
        #expect(try Self.states(fixture, watched) == [.expired, .expired, .expired, .serving, .booked, .waiting])
        #expect(result.nextClosing == ISO8601DateFormatter().date(from: "2026-12-01T18:30:00+05:30"))
        // And each expiry wrote its event, by the job, from the state it left
        for (token, from) in [(waiting, "waiting"), (called, "called"), (bookedToday, "booked")] {
            let last = try #require(try fixture.events(of: token.id).last)
            #expect(last["kind"] as String == "expired" && last["from_state"] as String == from && last["to_state"] as String == "expired")
            #expect(last["actor"] as String == "job:day-end" && (last["reason"] as String?) == nil)
        }
        // And the counter that had called is free again
        #expect(try queue.tokenAt(counter: second) == nil)
        // And each expired citizen is told, once, by SMS (the channel chosen with a mobile number)
        let told = { try fixture.database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT token_id, channel, language FROM outbox WHERE trigger = 'expired' ORDER BY token_id")
        } }
        #expect(try told().map { $0["token_id"] as Int64 } == [waiting.id, called.id, bookedToday.id].sorted())
        #expect(try told().allSatisfy { $0["channel"] as String == "sms" })

        // When it runs again, nothing more happens
        #expect(try queue.endDay(office: "SRT-VRC", at: Self.monday(18, 31)).expired == 0)
        #expect(try fixture.events(of: waiting.id).filter { $0["kind"] as String == "expired" }.count == 1)
        #expect(try told().count == 3)
    }

    @Test func aCounterWhoseCalledTokenExpiredIsNoLongerBusyInTheReport() throws {
        // Given a Surat counter open from 18:00, calling a citizen at 18:20 who never comes, closed at 18:40
        let fixture = try QueueFixture()
        let queue = fixture.queue
        let counter = try fixture.openCounter("SRT-VRC", 9, serving: ["bill-complaint"])
        _ = try queue.setCounter(counter, to: .closed, actor: fixture.clerk, at: Self.monday(17))
        _ = try queue.setCounter(counter, to: .open, actor: fixture.clerk, at: Self.monday(18))
        let token = try fixture.walkIn(office: "SRT-VRC", at: Self.monday(18, 5))
        _ = try queue.call(token: token.id, counter: counter, actor: fixture.clerk, at: Self.monday(18, 20))
        // When the day ends at 18:30 and the clerk closes the counter at 18:40
        _ = try queue.endDay(office: "SRT-VRC", at: Self.monday(18, 30))
        _ = try queue.setCounter(counter, to: .closed, actor: fixture.clerk, at: Self.monday(18, 40))
        // Then the report has the counter open 40 minutes, busy only the 10 minutes until the expiry
        let report = try queue.report(office: "SRT-VRC", from: "2026-11-30", to: "2026-11-30", at: Self.monday(19))
        let times = try #require(report.counters.first { $0.counter == 9 })
        #expect(abs(times.openMinutes - 40) < 1e-6 && abs(times.busyMinutes - 10) < 1e-6)
        #expect(report.totals.expired == 1 && report.totals.noShows == 0 && report.totals.noShowRate == nil)
    }

    @Test func theRoundTheClockOfficeEndsItsDayAtMidnight() throws {
        // Given three waiting tokens at Vadodara on Monday
        let fixture = try QueueFixture()
        let tokens = try (1...3).map { try fixture.walkIn(office: "VAD-247", citizen: $0, at: Self.monday(22)) }
        // When the job runs at 23:59, nothing ends; at midnight, Monday's tokens expire (two a transaction)
        #expect(try fixture.queue.endDay(office: "VAD-247", at: Self.monday(23, 59)).expired == 0)
        let result = try fixture.queue.endDay(office: "VAD-247", at: Self.monday(23, 59).plus(minutes: 1), batch: 2)
        #expect(result.expired == 3)
        #expect(try tokens.allSatisfy { try fixture.queue.token($0.id)?.state == .expired })
    }

    @Test func theExpiryReachesTheLivePictureAndThePublicStream() throws {
        // Given a waiting token in the live picture of Surat, and a subscriber to the queue's feed
        let fixture = try QueueFixture()
        let token = try fixture.walkIn(office: "SRT-VRC", at: Self.monday(11))
        #expect(try fixture.queue.snapshot(office: "SRT-VRC", at: Self.monday(18)).services.reduce(0) { $0 + $1.waiting } == 1)
        let heard = Collected<QueueChange>()
        fixture.queue.feed.subscribe { heard.append(contentsOf: [$0]) }
        // When the day ends
        _ = try fixture.queue.endDay(office: "SRT-VRC", at: Self.monday(18, 30))
        // Then the snapshot no longer counts it, and the change was published as a public event
        #expect(try fixture.queue.snapshot(office: "SRT-VRC", at: Self.monday(18, 30)).services.reduce(0) { $0 + $1.waiting } == 0)
        let event = try #require(heard.all.flatMap(\.events).first)
        #expect(event.kind == "expired" && event.tokenID == token.id && EventKind.expired.isPublic)
    }
}
