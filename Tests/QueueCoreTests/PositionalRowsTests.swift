import Foundation
import GRDB
import Testing
@testable import QueueCore

@Suite("Tokens and counters read by column position")
struct PositionalRowsTests {
    let fixture: QueueFixture
    init() throws { fixture = try QueueFixture() }

    @Test func everyShapeOfTokenReadsAsTheRowByNameReadsIt() throws {
        // Given tokens of every shape: an appointment with its slot, a walk-in with every personal
        // detail and a priority, one called, started and given a staff note, one served, one cancelled
        let now = QueueFixture.mondayMorning
        let slot = try fixture.slotID(weekday: 2, hour: 11)
        let appointment = try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "new-lt-connection",
                                                                citizen: QueueFixture.citizen(1), appointment: (slot, "2026-12-01")), at: now)
        var details = QueueFixture.citizen(2, priority: .seniorCitizen)
        details.email = "asha@example.com"
        details.consumerNumber = "12345678901"
        details.language = "hi"
        let detailed = try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint", citizen: details), at: now)
        let counter = try fixture.counterID("VAD-247", 1)
        let called = try #require(try fixture.queue.callNext(counter: counter, actor: fixture.clerk, at: now.plus(minutes: 1)))
        _ = try fixture.queue.start(token: called.id, counter: counter, actor: fixture.clerk, at: now.plus(minutes: 2))
        try fixture.execute("UPDATE token SET staff_note = 'बिल की प्रति' WHERE id = ?", [called.id])
        let served = try fixture.walkIn(citizen: 3)
        try fixture.execute("UPDATE token SET state = 'served', finished_at = 1764480000000, recalls = 2, has_rejoined = 1 WHERE id = ?", [served.id])
        let cancelled = try fixture.walkIn(citizen: 4)
        try fixture.execute("UPDATE token SET state = 'cancelled', target_counter_id = ?, parked_until = 1764480600000 WHERE id = ?", [counter, cancelled.id])
        // Then each reads by position exactly as `Token(row:)` reads it by name
        for id in [appointment.id, detailed.id, called.id, served.id, cancelled.id] {
            let byName = try fixture.database.writer.read { db in try Token.fetchOne(db, sql: "SELECT * FROM token WHERE id = ?", arguments: [id]) }
            let byPosition = try fixture.database.writer.read { db in try Token.fetch(db, id: id) }
            #expect(byPosition != nil && byPosition == byName, "token \(id)")
        }
        #expect(try fixture.database.writer.read { db in try Token.fetch(db, id: 999_999) } == nil)
    }

    @Test func theColumnsReadAreEveryColumnOfTheTable() throws {
        // A column added to the table must be added to the positional read too (or it is silently dropped)
        let table = try fixture.database.writer.read { db in try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('token')") }
        let read = Token.columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(Set(read) == Set(table))
        #expect(read.count == table.count)
    }

    @Test func aCounterReadsItsStateReasonAndServicesAsTheTableHoldsThem() throws {
        // Given a counter paused with a reason, serving two services
        let counter = try fixture.openCounter("VAD-247", 41, serving: ["meter-complaint", "bill-complaint"])
        _ = try fixture.queue.setCounter(counter, to: .paused, reason: "ચા – tea", actor: fixture.clerk, at: QueueFixture.mondayMorning)
        // Then it reads back whole, its services in order
        let read = try #require(try fixture.database.writer.read { db in try Counter.fetch(db, id: counter) })
        #expect(read == Counter(id: counter, officeCode: "VAD-247", number: 41, state: .paused, pauseReason: "ચા – tea",
                                serviceCodes: ["bill-complaint", "meter-complaint"]))
        #expect(try fixture.database.writer.read { db in try Counter.fetch(db, id: 999_999) } == nil)
    }
}
