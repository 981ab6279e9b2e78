import Foundation
import GRDB
import Testing
@testable import QueueCore

@Suite("Check-in with a mobile number")
struct CheckInByPhoneTests {
    let fixture: QueueFixture
    let now = QueueFixture.mondayMorning  // Monday 30 Nov 2026, 11:00 IST
    init() throws { fixture = try QueueFixture() }

    func bookToday(hour: Int, citizen: Int) throws -> Token {
        let slot = try fixture.slotID(weekday: 1, hour: hour)
        return try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "new-lt-connection",
                                                     citizen: QueueFixture.citizen(citizen), appointment: (slot, "2026-11-30")), at: now)
    }

    @Test func findsAndChecksInTodaysAppointment() throws {
        let token = try bookToday(hour: 14, citizen: 4)
        let arrived = try fixture.queue.checkIn(office: "VAD-247", phone: "+91 90000 00004", actor: .kiosk, at: now)
        #expect(arrived.id == token.id && arrived.state == .waiting)
    }

    @Test func anUnknownOrMalformedNumberIsRefused() throws {
        _ = try bookToday(hour: 14, citizen: 4)
        #expect(throws: QueueError.tokenNotFound) {
            try fixture.queue.checkIn(office: "VAD-247", phone: "9000000005", actor: .kiosk, at: now)
        }
        #expect { try fixture.queue.checkIn(office: "VAD-247", phone: "12345", actor: .kiosk, at: now) } throws: { error in
            guard case QueueError.invalidField(let field, _) = error else { return false }
            return field == "phone"
        }
    }

    @Test func twoAppointmentsTodayNeedTheTokenNumber() throws {
        _ = try bookToday(hour: 15, citizen: 6)
        _ = try bookToday(hour: 16, citizen: 6)
        #expect { try fixture.queue.checkIn(office: "VAD-247", phone: "9000000006", actor: .kiosk, at: now) } throws: { error in
            guard case QueueError.invalidField(let field, _) = error else { return false }
            return field == "number"
        }
    }
}
