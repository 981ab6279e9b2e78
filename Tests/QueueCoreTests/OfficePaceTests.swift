import Foundation
import GRDB
import Testing
@testable import QueueCore

/// The office's pace (walk to the counter, no-shows) comes from today's calls, read through a range
/// of service days rather than every call the office ever had.
@Suite("An office's pace")
struct OfficePaceTests {
    @Test func aRoundTheClockOfficesCallAfterMidnightCountsAndEarlierDaysDoNot() throws {
        // Given the round-the-clock office, a citizen served three days ago and one booked last night
        // at 23:50, called at 23:58 and served until after midnight
        let fixture = try QueueFixture()
        let iso = ISO8601DateFormatter()
        let queue = fixture.queue
        let clerk = Actor.staff(id: 1, username: "clerk")
        let counter = try #require(try queue.counterID(office: "VAD-247", number: 1))
        func serve(bookedAt booked: String, calledAt called: String) throws {
            let bookedAt = try #require(iso.date(from: booked)), calledAt = try #require(iso.date(from: called))
            let token = try queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint", citizen: QueueFixture.citizen(1)),
                                       at: bookedAt)
            try queue.heartbeat(counter: counter, actor: clerk, at: calledAt)
            let next = try #require(try queue.callNext(counter: counter, actor: clerk, at: calledAt))
            #expect(next.id == token.id)
            _ = try queue.start(token: token.id, counter: counter, actor: clerk, at: calledAt.addingTimeInterval(200))
            _ = try queue.complete(token: token.id, counter: counter, actor: clerk, at: calledAt.addingTimeInterval(500))
        }
        try serve(bookedAt: "2026-11-27T10:00:00Z", calledAt: "2026-11-27T10:05:00Z")
        let today = try #require(iso.date(from: "2026-11-30T00:00:00Z"))
        let midnight = try #require(ServiceDay.midnight(of: ServiceDay(today, timeZone: OfficeFacts.india).day, timeZone: OfficeFacts.india))
        // When today's pace is read before and after last night's citizen is served
        let policy = QueuePolicy.standard
        let before = try fixture.database.writer.read { db in
            try OfficePace.load(db, office: "VAD-247", since: midnight, timeZone: OfficeFacts.india, policy: policy)
        }
        try serve(bookedAt: "2026-11-29T18:20:00Z", calledAt: "2026-11-29T18:28:00Z")
        let after = try fixture.database.writer.read { db in
            try OfficePace.load(db, office: "VAD-247", since: midnight, timeZone: OfficeFacts.india, policy: policy)
        }
        // Then the call three days ago is not today's pace, and the one that ended after midnight is (its walk of 200 s moves it)
        #expect(before == OfficePace.prior(policy: policy))
        #expect(after.walkSeconds > before.walkSeconds)
        // and the statement finds those calls by a range of service days in the queue's index
        let plan = try fixture.database.writer.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(OfficePace.recentCallsSQL)", arguments: [nil, nil, nil, nil]).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("token_queue") && $0.contains("service_day>?") }, "\(plan)")
    }
}
