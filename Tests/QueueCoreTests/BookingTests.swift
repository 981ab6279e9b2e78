import Foundation
import GRDB
import Testing
@testable import QueueCore

@Suite("Booking a token")
struct BookingTests {
    let fixture: QueueFixture
    init() throws { fixture = try QueueFixture() }

    @Test func aWalkInGetsTheServicePrefixAndTheNextNumber() throws {
        let first = try fixture.walkIn("bill-complaint", citizen: 1)
        let second = try fixture.walkIn("bill-complaint", citizen: 2)
        let other = try fixture.walkIn("meter-complaint", citizen: 3)
        #expect(first.number == "BC-001")
        #expect(second.number == "BC-002")
        #expect(other.number == "MC-001")
        #expect(first.state == .waiting)
        #expect(first.serviceDay == "2026-11-30")
        #expect(first.viewSecretHash != second.viewSecretHash && first.manageSecretHash != nil)
    }

    @Test func theTokenABookingAnswersIsTheTokenAsStored() throws {
        // Given bookings of every shape: a named walk-in with e-mail and consumer number, an anonymous
        // kiosk walk-in, a priority citizen in Hindi, and an appointment
        let now = QueueFixture.mondayMorning.addingTimeInterval(0.1234)
        let named = CitizenDetails(name: "આશા પટેલ", phone: "9825012345", email: "asha@example.in", consumerNumber: "11223344556",
                                   language: "gu", priority: .none, channels: [.sms, .email])
        let anonymous = CitizenDetails(name: "", phone: "", language: "en")
        let senior = CitizenDetails(name: "Ramesh", phone: "9825054321", language: "hi", priority: .seniorCitizen)
        let slot = try fixture.slotID(weekday: 2, hour: 14)
        let kiosk = try KioskDevices(database: fixture.database).enrol(office: "VAD-247", label: "Hall", by: .system, at: now)
        let booked = [
            try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint", citizen: named), at: now),
            try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint", citizen: anonymous,
                                                  actor: .enrolledKiosk(id: kiosk.id)),
                                   at: now),
            try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "meter-complaint", citizen: senior), at: now),
            try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "new-lt-connection", citizen: senior,
                                                  appointment: (slot, "2026-12-01")), at: now),
        ]
        // Then each answer is the row as it is read back, to the millisecond
        for token in booked {
            let stored = try fixture.database.writer.read { db in try Token.fetch(db, id: token.id) }
            #expect(token == stored, "\(token.number)")
        }
    }

    @Test func bookingWritesAnEventWithoutPersonalData() throws {
        let heard = Collected<QueueEvent>()
        fixture.queue.feed.subscribe { change in heard.append(contentsOf: change.events) }
        let token = try fixture.walkIn(citizen: 7)
        let rows = try fixture.events(of: token.id)
        #expect(rows.count == 1)
        #expect(rows.first?["kind"] as String? == "booked")
        #expect(rows.first?["to_state"] as String? == "waiting")
        #expect(rows.first?["actor"] as String? == "citizen")
        #expect(heard.all.map(\.tokenNumber) == [token.number])
        let encoded = String(decoding: try JSONEncoder().encode(heard.all), as: UTF8.self)
        #expect(!encoded.contains("Citizen 7"))
        #expect(!encoded.contains(token.citizen.phone))
        #expect(!encoded.contains(token.viewSecretHash))
    }

    @Test func aBookingWrittenAfterAnotherJoinsBehindItThoughAskedForAMomentBefore() throws {
        // Given a walk-in told its place, and a request asked for 3 ms before it but written after it
        let now = QueueFixture.mondayMorning
        let first = try fixture.walkIn(citizen: 1, at: now)
        let ahead = try #require(try fixture.queue.position(of: first.id, at: now)).ahead
        let second = try fixture.walkIn(citizen: 2, at: now.addingTimeInterval(-0.003))
        // Then the later one joins behind it (at the same moment), and the first still has as many before it
        #expect(second.queuedAt == first.queuedAt)
        #expect(try fixture.queue.position(of: first.id, at: now)?.ahead == ahead)
        #expect(try fixture.queue.position(of: second.id, at: now)?.ahead == ahead + 1)
        // and a clock set back by a minute is not a reordering: the request's own time stands.
        let third = try fixture.walkIn(citizen: 3, at: now.plus(minutes: -1))
        #expect(third.queuedAt == now.plus(minutes: -1))
    }

    @Test func manyBookingsInOneMillisecondDoNotRunAheadOfTheClock() throws {
        // Given 50 walk-ins written in the same millisecond (an office taking thousands a second)
        let now = QueueFixture.mondayMorning
        let tokens = try (1...50).map { try fixture.walkIn(citizen: $0, at: now) }
        // Then every one joins at that moment, in the order written, and the last still has 49 before it
        #expect(tokens.allSatisfy { $0.queuedAt == now })
        #expect(try fixture.queue.position(of: tokens[49].id, at: now)?.ahead == 49)
    }

    @Test func theNumberSequenceRestartsAtMidnightInIndia() throws {
        // 23:59 IST on 30 November is 18:29 UTC; 00:01 IST on 1 December is 18:31 UTC.
        let beforeMidnight = try #require(ISO8601DateFormatter().date(from: "2026-11-30T18:29:00Z"))
        let afterMidnight = beforeMidnight.plus(minutes: 2)
        let late = try fixture.walkIn(citizen: 1, at: beforeMidnight)
        let early = try fixture.walkIn(citizen: 2, at: afterMidnight)
        #expect(late.serviceDay == "2026-11-30")
        #expect(late.number == "BC-001")
        #expect(early.serviceDay == "2026-12-01")
        #expect(early.number == "BC-001")
    }

    @Test func aWalkInOutsideOpeningHoursIsRefusedWithTheNextOpening() throws {
        // Surat Varachha opens 10:30-18:30 IST, Monday to Saturday; 07:00 IST is 01:30 UTC.
        let early = try #require(ISO8601DateFormatter().date(from: "2026-11-30T01:30:00Z"))
        #expect {
            try fixture.walkIn("name-change", office: "SRT-VRC", at: early)
        } throws: { error in
            guard case QueueError.officeClosed(let opensAt?) = error else { return false }
            return opensAt == ISO8601DateFormatter().date(from: "2026-11-30T05:00:00Z")
        }
        // Sunday 6 December at noon IST: closed all day; it opens Monday 10:30.
        let sunday = try #require(ISO8601DateFormatter().date(from: "2026-12-06T06:30:00Z"))
        #expect {
            try fixture.walkIn("name-change", office: "SRT-VRC", at: sunday)
        } throws: { error in
            guard case QueueError.officeClosed(let opensAt?) = error else { return false }
            return opensAt == ISO8601DateFormatter().date(from: "2026-12-07T05:00:00Z")
        }
    }

    @Test func aHolidayClosesTheOffice() throws {
        try fixture.execute("INSERT INTO office_holiday VALUES ('VAD-247', '2026-11-30', 'Gujarati New Year')")
        #expect(throws: QueueError.holiday(day: "2026-11-30", reason: "Gujarati New Year")) { try fixture.walkIn() }
    }

    @Test func theDailyCapIsNeverExceeded() throws {
        try fixture.execute("UPDATE office_service SET daily_cap = 2 WHERE office_code = 'VAD-247' AND service_code = 'bill-complaint'")
        _ = try fixture.walkIn(citizen: 1)
        _ = try fixture.walkIn(citizen: 2)
        #expect(throws: QueueError.dailyCapReached(service: "bill-complaint")) { try fixture.walkIn(citizen: 3) }
    }

    @Test func aPhoneHoldsAtMostThreeActiveTokensADay() throws {
        for service in ["bill-complaint", "meter-complaint", "reconnection"] { _ = try fixture.walkIn(service, citizen: 5) }
        #expect(throws: QueueError.phoneLimitReached(limit: 3)) { try fixture.walkIn("new-lt-connection", citizen: 5) }
        // A cancelled token no longer counts.
        let held = try fixture.database.writer.read { db in try Int64.fetchOne(db, sql: "SELECT min(id) FROM token") } ?? 0
        _ = try fixture.queue.cancel(token: held, actor: .citizen, at: QueueFixture.mondayMorning)
        #expect(try fixture.walkIn("new-lt-connection", citizen: 5).number == "NC-001")
    }

    @Test func unknownOfficeAndServiceAreRefused() throws {
        #expect(throws: QueueError.officeNotFound("NOPE")) { try fixture.walkIn(office: "NOPE") }
        #expect(throws: QueueError.serviceNotOffered(office: "VAD-247", service: "rooftop-solar")) {
            try fixture.walkIn("rooftop-solar")
        }
    }

    static let invalidCitizens: [(CitizenDetails, String)] = [
        (CitizenDetails(name: "   ", phone: "9825012345"), "name"),
        (CitizenDetails(name: String(repeating: "અ", count: 101), phone: "9825012345"), "name"),
        (CitizenDetails(name: "Asha\u{0007}", phone: "9825012345"), "name"),
        (CitizenDetails(name: "Asha", phone: "5825012345"), "phone"),
        (CitizenDetails(name: "Asha", phone: "98250 1234"), "phone"),
        (CitizenDetails(name: "Asha", phone: "+1 982 501 2345"), "phone"),
        (CitizenDetails(name: "Asha", phone: "98250१२३४५"), "phone"),
        (CitizenDetails(name: "Asha", phone: "9825012345", email: "asha@"), "email"),
        (CitizenDetails(name: "Asha", phone: "9825012345", email: "a b@example.com"), "email"),
        // Characters that delimit addresses in a mail header or an SMTP command: another recipient
        (CitizenDetails(name: "Asha", phone: "9825012345", email: "asha@example.com>,<root"), "email"),
        (CitizenDetails(name: "Asha", phone: "9825012345", email: "a<b>@example.com"), "email"),
        (CitizenDetails(name: "Asha", phone: "9825012345", consumerNumber: "12AB5"), "consumer_number"),
        (CitizenDetails(name: "Asha", phone: "9825012345", consumerNumber: "1234"), "consumer_number"),
        (CitizenDetails(name: "Asha", phone: "9825012345", language: "fr"), "language"),
    ]

    @Test(arguments: invalidCitizens)
    func invalidDetailsAreRefusedNamingTheField(citizen: CitizenDetails, field: String) throws {
        #expect {
            try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint", citizen: citizen),
                                   at: QueueFixture.mondayMorning)
        } throws: { error in
            guard case QueueError.invalidField(let named, _) = error else { return false }
            return named == field
        }
        #expect(try fixture.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM token") } == 0)
    }

    @Test(arguments: [("+91 98250 12345", "9825012345"), ("098250-12345", "9825012345"), ("919825012345", "9825012345"),
                      ("6000000000", "6000000000"), ("(982) 501-2345", "9825012345")])
    func mobileNumbersAreNormalised(typed: String, stored: String) {
        #expect(CitizenDetails.normalisedMobile(typed) == stored)
    }

    @Test func gujaratiNamesAreKept() throws {
        let token = try fixture.queue.book(BookingRequest(
            officeCode: "VAD-247", serviceCode: "bill-complaint",
            citizen: CitizenDetails(name: "  આશા   પટેલ ", phone: "+91 98250 12345", consumerNumber: "1234 5678 90")),
            at: QueueFixture.mondayMorning)
        #expect(token.citizen.name == "આશા પટેલ")
        #expect(token.citizen.phone == "9825012345")
        #expect(token.citizen.consumerNumber == "1234567890")
    }
}

extension CitizenDetails: CustomTestStringConvertible {
    public var testDescription: String { "\(name.prefix(12))/\(phone)/\(email ?? "-")/\(consumerNumber ?? "-")/\(language)" }
}
