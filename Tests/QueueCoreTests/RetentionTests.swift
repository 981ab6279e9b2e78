import Foundation
import GRDB
import Testing
@testable import QueueCore

/// Retention and erasure (DESIGN decision 7): personal data goes, the anonymous statistics stay.
@Suite("Retention of personal data")
struct RetentionTests {
    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text) ?? Date() }
    /// Monday 30 November 2026, 10:00 in Vadodara, plus minutes.
    static func day(_ minutes: Double) -> Date { at("2026-11-30T10:00:00+05:30").plus(minutes: minutes) }

    /// A played day at Vadodara: served with a note and a transfer, a no-show, a cancellation, with
    /// e-mail and consumer number given. Returns the tokens.
    static func playDay(_ fixture: QueueFixture) throws -> [Token] {
        let queue = fixture.queue
        let counter = try fixture.openCounter("VAD-247", 9, serving: ["bill-complaint", "meter-complaint"])
        let first = try queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint", citizen: CitizenDetails(
            name: "Ramesh Patel", phone: "9876543210", email: "ramesh@example.in", consumerNumber: "12345678")), at: day(0))
        let second = try fixture.walkIn("meter-complaint", citizen: 2, at: day(5))
        let third = try fixture.walkIn("bill-complaint", citizen: 3, at: day(6))
        _ = try queue.call(token: first.id, counter: counter, actor: fixture.clerk, at: day(2))
        _ = try queue.start(token: first.id, counter: counter, actor: fixture.clerk, at: day(3))
        try queue.setStaffNote("Meter photo on his phone", token: first.id, counter: counter, actor: fixture.clerk, at: day(4))
        _ = try queue.transfer(token: first.id, from: counter, toService: "meter-complaint", toCounter: nil,
                               reason: "Ramesh also has a meter fault", actor: fixture.clerk, at: day(8))
        _ = try queue.call(token: first.id, counter: counter, actor: fixture.clerk, at: day(9))
        _ = try queue.start(token: first.id, counter: counter, actor: fixture.clerk, at: day(10))
        _ = try queue.complete(token: first.id, counter: counter, actor: fixture.clerk, at: day(15))
        _ = try queue.call(token: second.id, counter: counter, actor: fixture.clerk, at: day(16))
        for minute in [17.0, 18, 19] { _ = try? queue.recall(token: second.id, counter: counter, actor: fixture.clerk, at: day(minute)) }
        _ = try queue.markNoShow(token: second.id, counter: counter, actor: fixture.clerk, at: day(20))
        _ = try queue.cancel(token: third.id, actor: .citizen, at: day(21))
        return [first, second, third]
    }

    static func personal(_ fixture: QueueFixture, _ id: Int64) throws -> [String?] {
        try fixture.database.writer.read { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT citizen_name, phone, email, consumer_number, staff_note FROM token WHERE id = ?", arguments: [id]))
            return (0..<5).map { row[$0] as String? }
        }
    }

    static func reasons(_ fixture: QueueFixture) throws -> [String] {
        try fixture.database.writer.read { db in try String.fetchAll(db, sql: "SELECT reason FROM event WHERE reason IS NOT NULL") }
    }

    @Test func theRetentionJobErasesOldPersonalDataAndTheReportForThoseDaysIsUnchanged() throws {
        // Given a day played 91 days before, a report of it, and a token of today
        let fixture = try QueueFixture()
        let old = try Self.playDay(fixture)
        let reportBefore = try fixture.queue.report(office: "VAD-247", from: "2026-11-30", to: "2026-11-30", at: Self.day(600))
        let now = Self.at("2027-03-01T03:00:00+05:30")
        let recent = try fixture.walkIn(office: "VAD-247", citizen: 9, at: now.plus(minutes: -60 * 24 * 2))
        #expect(try Self.personal(fixture, old[0].id).compactMap { $0 }.count == 5)
        #expect(try Self.reasons(fixture).contains("Ramesh also has a meter fault"))
        // (and the messages that told them, and the served citizen's rating with a comment)
        try fixture.queue.giveFeedback(token: old[0].id, rating: 4, comment: "Ramesh was helped quickly", at: Self.day(30))
        let messages = { (id: Int64) in try fixture.database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT recipient, params, body FROM outbox WHERE token_id = ?", arguments: [id])
        } }
        #expect(try messages(old[0].id).map { $0["recipient"] as String }.contains("ramesh@example.in"))

        // When the jobs run 91 days later with the default retention of 90 days
        let runs = try OfficeDayJobs(queue: fixture.queue).runDueJobs(at: now)

        // Then the old tokens hold no name, mobile, e-mail, consumer number or note, and no event a free-text reason
        #expect(runs.contains { $0.name == OfficeDayJobs.retention && $0.outcome == .ok && $0.rowsAffected > 0 })
        for token in old { #expect(try Self.personal(fixture, token.id) == [nil, nil, nil, nil, nil]) }
        #expect(try Self.reasons(fixture).isEmpty)
        // nor any message to them says to whom it went or what it said, and the rating keeps no comment
        for token in old {
            #expect(try messages(token.id).allSatisfy { $0["recipient"] as String == "erased" && $0["params"] as String == "{}" && ($0["body"] as String?) == nil })
        }
        #expect(try !messages(old[0].id).isEmpty)
        let feedback = try fixture.database.writer.read { db in try Row.fetchOne(db, sql: "SELECT rating, comment FROM token_feedback WHERE token_id = ?", arguments: [old[0].id]) }
        #expect(feedback?["rating"] as Int? == 4 && (feedback?["comment"] as String?) == nil)
        // And the recent token keeps its details, and its message its recipient
        #expect(try Self.personal(fixture, recent.id)[0...1] == ["Citizen 9", "9000000009"])
        let recentRecipients = try messages(recent.id).map { $0["recipient"] as String }
        #expect(!recentRecipients.isEmpty && recentRecipients.allSatisfy { $0 == "9000000009" })
        // And the report of the old day is the same, figure for figure
        let reportAfter = try fixture.queue.report(office: "VAD-247", from: "2026-11-30", to: "2026-11-30", at: now)
        #expect(reportAfter == reportBefore)
        #expect(reportAfter.totals.tokens == 3 && reportAfter.totals.served == 1 && reportAfter.totals.noShows == 1)
    }

    @Test func erasingInSmallBatchesStillErasesEverythingOnce() throws {
        // Given a played day: three tokens with personal data, and events with reasons
        let fixture = try QueueFixture()
        let tokens = try Self.playDay(fixture)
        let reasons = try Self.reasons(fixture).count
        let messages = try fixture.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0 }
        // When retention erases one row a transaction, then runs again
        let first = try PersonalDataErasure.erase(fixture.database.writer, tokensBefore: "2026-12-01", eventsBefore: Self.day(600), batch: 1)
        let second = try PersonalDataErasure.erase(fixture.database.writer, tokensBefore: "2026-12-01", eventsBefore: Self.day(600), batch: 1)
        // Then every token, reason and message was erased by the first run, and the second had nothing to do
        #expect(reasons > 0 && messages > 0 && first == tokens.count + reasons + messages && second == 0)
        for token in tokens { #expect(try Self.personal(fixture, token.id) == [nil, nil, nil, nil, nil]) }
    }

    @Test func eventsRefuseEveryUpdateButErasingAReasonAndEveryDelete() throws {
        // Given the events of a played day
        let fixture = try QueueFixture()
        _ = try Self.playDay(fixture)
        let id = try #require(try fixture.database.writer.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM event WHERE reason IS NOT NULL") })
        // Then any other change, or a change alongside the erasure, is refused
        for sql in ["UPDATE event SET kind = 'called' WHERE id = ?", "UPDATE event SET reason = 'rewritten' WHERE id = ?",
                    "UPDATE event SET reason = NULL, actor = 'someone' WHERE id = ?", "UPDATE event SET reason = NULL, at = 0 WHERE id = ?",
                    "UPDATE event SET reason = NULL, token_id = NULL WHERE id = ?", "DELETE FROM event WHERE id = ?"] {
            #expect(throws: DatabaseError.self, "\(sql)") { try fixture.database.writer.write { db in try db.execute(sql: sql, arguments: [id]) } }
        }
        // And setting the reason to nothing is allowed
        try fixture.database.writer.write { db in try db.execute(sql: "UPDATE event SET reason = NULL WHERE id = ?", arguments: [id]) }
        #expect(try fixture.database.writer.read { db in try String.fetchOne(db, sql: "SELECT reason FROM event WHERE id = ?", arguments: [id]) } == nil)
    }

    @Test func anOperatorErasesOneCitizenOnRequestWithAnAuditEventThatNamesNobody() throws {
        // Given Ramesh's token and others of the same day
        let fixture = try QueueFixture()
        let tokens = try Self.playDay(fixture)
        // When the operator erases by his mobile number
        let erased = try fixture.database.eraseCitizen(phone: "9876543210", at: Self.day(60))
        // Then his token is erased, with its events' reasons, and the others are not
        #expect(erased == 1)
        #expect(try Self.personal(fixture, tokens[0].id) == [nil, nil, nil, nil, nil])
        #expect(try Self.personal(fixture, tokens[1].id)[0] == "Citizen 2")
        #expect(try fixture.events(of: tokens[0].id).allSatisfy { ($0["reason"] as String?) == nil })
        // And an audit event records it, holding nothing personal
        let audit = try #require(try fixture.events(of: tokens[0].id).last)
        #expect(audit["kind"] as String == "personal_data_erased" && audit["actor"] as String == "system" && (audit["reason"] as String?) == nil)
        #expect(!EventKind.personalDataErased.isPublic)
        // And the token still reads (for its number and state), with empty details
        #expect(try fixture.queue.token(tokens[0].id)?.citizen.phone == "")
        // And a second request by token number finds it already erased but records the request
        #expect(try fixture.database.eraseCitizen(office: "VAD-247", day: "2026-11-30", number: tokens[0].number, at: Self.day(61)) == 1)
        #expect(try fixture.database.eraseCitizen(phone: "9876543210", at: Self.day(62)) == 0)
    }
}
