import Foundation
import GRDB
import Testing
@testable import QueueCore

@Suite("The settings a booking reads, kept while nothing changes them")
struct SettingsCacheTests {
    let fixture: QueueFixture
    init() throws { fixture = try QueueFixture() }

    /// 11:00 in Vadodara on Monday 30 November 2026, the day the tests book on.
    let now = QueueFixture.mondayMorning

    func book(_ index: Int, language: String = "en", at date: Date? = nil) throws -> Token {
        var citizen = QueueFixture.citizen(index)
        citizen.language = language
        return try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint", citizen: citizen), at: date ?? now)
    }

    func confirmation(of token: Token) throws -> [String: String] {
        try #require(try fixture.database.writer.read { db in
            try OutboxMessage.fetchOne(db, sql: "SELECT * FROM outbox WHERE token_id = ? AND trigger = 'booked'", arguments: [token.id])
        }?.params)
    }

    @Test func aBookingFollowsEveryKindOfSettingsChangeMadeAroundTheQueue() throws {
        // Given a booking that has read the office's settings
        _ = try book(1)
        // When the office is renamed and its service's documents change, around the queue (as the settings page or an import would)
        try fixture.execute("UPDATE office SET name_en = 'Vadodara, renamed' WHERE code = 'VAD-247'")
        try fixture.execute("INSERT INTO service_document (service_code, position, name_en, name_gu, name_hi) VALUES ('bill-complaint', 99, 'Last bill', 'છેલ્લું બિલ', 'पिछला बिल')")
        // Then the next confirmation carries the new name and documents
        let renamed = try confirmation(of: try book(2))
        #expect(renamed["office"] == "Vadodara, renamed")
        #expect(renamed["documents"]?.hasSuffix("Last bill") == true)
        // When today becomes a holiday
        try fixture.execute("INSERT INTO office_holiday (office_code, day, reason) VALUES ('VAD-247', '2026-11-30', 'Flood')")
        #expect(throws: QueueError.holiday(day: "2026-11-30", reason: "Flood")) { try book(3) }
        // When the holiday is taken back and a mobile number may hold one token only
        try fixture.execute("DELETE FROM office_holiday WHERE office_code = 'VAD-247'")
        try fixture.execute("""
            INSERT INTO queue_policy (office_code, max_priority_streak, aging_minutes, recall_limit, active_tokens_per_phone)
            VALUES ('VAD-247', 2, 45, 2, 1)
            """)
        #expect(throws: QueueError.phoneLimitReached(limit: 1)) { try book(2) }
        // When the service's daily cap is the number already issued
        try fixture.execute("UPDATE office_service SET daily_cap = 2 WHERE office_code = 'VAD-247' AND service_code = 'bill-complaint'")
        #expect(throws: QueueError.dailyCapReached(service: "bill-complaint")) { try book(4) }
        // When the cap is raised again and the office has no hours on Monday
        try fixture.execute("UPDATE office_service SET daily_cap = 500 WHERE office_code = 'VAD-247' AND service_code = 'bill-complaint'")
        _ = try book(5)
        try fixture.execute("DELETE FROM office_hours WHERE office_code = 'VAD-247' AND weekday = 1")
        // Then a walk-in is told the office is closed
        do {
            _ = try book(6)
            Issue.record("a walk-in booked at an office with no hours today")
        } catch QueueError.officeClosed {
        } catch {
            Issue.record("a walk-in at a closed office was answered \(error)")
        }
    }

    @Test func anotherProcesssChangeIsSeenAtTheNextBooking() throws {
        // Given a booking that has read the office's settings
        _ = try book(1)
        // When another connection to the file (another process: the worker, an import) makes today a holiday
        let other = try AppDatabase.open(path: fixture.path)
        try other.writer.write { db in
            try db.execute(sql: "INSERT INTO office_holiday (office_code, day, reason) VALUES ('VAD-247', '2026-11-30', 'Strike')")
        }
        // Then this process refuses the next walk-in
        #expect(throws: QueueError.holiday(day: "2026-11-30", reason: "Strike")) { try book(2) }
    }

    @Test func aSettingsChangeRolledBackLeavesNothingBehind() throws {
        // Given a rename read through the cache inside a transaction that then rolls back
        struct Abandoned: Error {}
        let settings = fixture.queue.settings
        #expect(throws: Abandoned.self) {
            try fixture.database.writer.write { db in
                try db.execute(sql: "UPDATE office SET name_en = 'Never committed' WHERE code = 'VAD-247'")
                #expect(try settings.reading(db).messageNames(office: "VAD-247", service: "bill-complaint", language: "en").office == "Never committed")
                throw Abandoned()
            }
        }
        // When another rename commits (one change after the kept value's, as the rolled-back one was)
        try fixture.execute("UPDATE office SET name_en = 'Committed name' WHERE code = 'VAD-247'")
        // Then a booking's confirmation carries the committed name
        #expect(try confirmation(of: try book(1))["office"] == "Committed name")
    }

    @Test func theSettingsAreReadOnceUntilTheyChange() throws {
        // Given the statements the queue's writer runs, recorded
        let statements = Collected<String>()
        try fixture.database.writer.writeWithoutTransaction { db in
            db.trace { event in if case .statement(let statement) = event { statements.append(contentsOf: [statement.sql]) } }
        }
        let settingsReads = { statements.all.filter { $0.contains("queue_policy") || $0.contains("office_hours") || $0.contains("service_document") }.count }
        // When two citizens book one after the other
        _ = try book(1)
        let first = settingsReads()
        _ = try book(2)
        // Then only the first booking read the office's rules, hours and documents
        #expect(first >= 3)
        #expect(settingsReads() == first)
        // And after a change to the settings the next booking reads them again
        try fixture.execute("UPDATE office SET name_en = name_en || '' WHERE code = 'VAD-247'")
        let beforeThird = settingsReads()
        _ = try book(3)
        #expect(settingsReads() > beforeThird)
    }

    @Test func aMessagesValuesAreWrittenAsTheEncoderWroteThem() throws {
        // Given values with quotes, a backslash, a slash, a line break, Gujarati and Hindi
        let params = ["number": "BC-001", "office": "વડોદરા \"સિટી\"", "service": "बिल\\शिकायत", "link": "/t/1?s=a/b", "note": "line\nbreak\t",
                      "empty": "", "control": "\u{1}"]
        // Then the hand-written object is byte for byte what the encoder wrote
        #expect(Outbox.paramsJSON(params) == String(decoding: try SortedJSONEncoder().encode(params), as: UTF8.self))
    }
}
