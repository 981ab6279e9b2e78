import Foundation
import GRDB
import Testing
@testable import QueueCore

@Suite("Appointments and check-in")
struct AppointmentTests {
    let fixture: QueueFixture
    let now = QueueFixture.mondayMorning  // Monday 30 Nov 2026, 11:00 IST
    init() throws { fixture = try QueueFixture() }

    func slot(weekday: Int, hour: Int) throws -> Int64 { try fixture.slotID(weekday: weekday, hour: hour) }

    func book(_ slot: Int64, day: String, citizen: Int, service: String = "new-lt-connection") throws -> Token {
        try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: service,
                                              citizen: QueueFixture.citizen(citizen), appointment: (slot, day)), at: now)
    }

    @Test func anAppointmentIsBookedThenChecksInOnTheDay() throws {
        // Tuesday 1 December, 14:00
        let token = try book(try slot(weekday: 2, hour: 14), day: "2026-12-01", citizen: 1)
        #expect(token.state == .booked && token.kind == .appointment && token.slotStartsAt == 840)
        #expect(token.serviceDay == "2026-12-01" && token.number == "NC-001")
        #expect(throws: QueueError.checkInWrongDay(serviceDay: "2026-12-01")) {
            try fixture.queue.checkIn(token: token.id, actor: .kiosk, at: now)
        }
        let tuesday = now.plus(minutes: 24 * 60 + 150)  // 13:30 IST on the day
        let found = try #require(try fixture.queue.todaysToken(office: "VAD-247", number: "NC-001", at: tuesday))
        let arrived = try fixture.queue.checkIn(token: found.id, actor: .kiosk, at: tuesday)
        #expect(arrived.state == .waiting && arrived.queuedAt == tuesday)
    }

    @Test func aCheckedInAppointmentWhoseSlotBeganGoesBeforeWalkIns() throws {
        // Given walk-ins waiting since 10:40 (not yet overdue) and an appointment for 11:00 that checks in at 11:05
        for index in 1...3 { _ = try fixture.walkIn("new-lt-connection", citizen: index, at: now.plus(minutes: -20)) }
        let appointment = try book(try slot(weekday: 1, hour: 11), day: "2026-11-30", citizen: 9)
        _ = try fixture.queue.checkIn(token: appointment.id, actor: .kiosk, at: now.plus(minutes: 5))
        // When counter 3 calls next
        let called = try fixture.queue.callNext(counter: try fixture.counterID("VAD-247", 3), actor: fixture.clerk,
                                                at: now.plus(minutes: 6))
        // Then the appointment holder is called first
        #expect(called?.id == appointment.id)
    }

    @Test func slotRulesAreEnforced() throws {
        let monday11 = try slot(weekday: 1, hour: 11)
        #expect(throws: QueueError.slotNotFound) { try book(monday11, day: "2026-12-01", citizen: 1) }  // a Tuesday
        #expect(throws: QueueError.slotInPast) { try book(try slot(weekday: 1, hour: 9), day: "2026-11-30", citizen: 1) }
        #expect(throws: QueueError.slotInPast) { try book(monday11, day: "2026-11-23", citizen: 1) }
        #expect(throws: QueueError.bookingTooFarAhead(days: 30)) { try book(monday11, day: "2027-01-04", citizen: 1) }
        #expect(throws: QueueError.appointmentsNotOffered(service: "bill-complaint")) {
            try book(monday11, day: "2026-12-07", citizen: 1, service: "bill-complaint")
        }
        #expect { try book(monday11, day: "2026-02-30", citizen: 1) } throws: { error in
            guard case QueueError.invalidField(let field, _) = error else { return false }
            return field == "date"
        }
        try fixture.execute("INSERT INTO office_holiday VALUES ('VAD-247', '2026-12-07', 'Local holiday')")
        #expect(throws: QueueError.holiday(day: "2026-12-07", reason: "Local holiday")) {
            try book(monday11, day: "2026-12-07", citizen: 1)
        }
    }

    @Test func aSlotTakesNoMoreThanItsCapacity() throws {
        let slot = try slot(weekday: 2, hour: 15)
        for index in 1...4 { _ = try book(slot, day: "2026-12-01", citizen: index) }
        #expect(throws: QueueError.slotFull) { try book(slot, day: "2026-12-01", citizen: 5) }
    }
}

@Suite("Moving an appointment")
struct RescheduleTests {
    let fixture: QueueFixture
    let now = QueueFixture.mondayMorning
    init() throws { fixture = try QueueFixture() }

    func slot(weekday: Int, hour: Int) throws -> Int64 { try fixture.slotID(weekday: weekday, hour: hour) }

    @Test func movingCancelsTheOldTokenAndBooksTheNewSlot() throws {
        let old = try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "new-lt-connection",
                                                        citizen: QueueFixture.citizen(1), appointment: (try slot(weekday: 2, hour: 10), "2026-12-01")), at: now)
        let moved = try fixture.queue.reschedule(token: old.id, toSlot: try slot(weekday: 3, hour: 15), day: "2026-12-02",
                                                 actor: .citizen, at: now)
        #expect(moved.serviceDay == "2026-12-02" && moved.slotStartsAt == 900 && moved.state == .booked)
        #expect(moved.citizen == old.citizen && moved.number == "NC-001" && moved.viewSecretHash != old.viewSecretHash)
        let before = try #require(try fixture.queue.status(of: old.id, at: now))
        #expect(before.token.state == .cancelled && before.token.number == "NC-001")
        #expect(try fixture.events(of: old.id).map { $0["kind"] as String } == ["booked", "rescheduled"])
    }

    @Test func aFullSlotRefusesTheMoveAndKeepsTheOldBooking() throws {
        let target = try slot(weekday: 3, hour: 16)
        for index in 10..<14 {
            _ = try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "new-lt-connection",
                                                      citizen: QueueFixture.citizen(index), appointment: (target, "2026-12-02")), at: now)
        }
        let old = try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "new-lt-connection",
                                                        citizen: QueueFixture.citizen(1), appointment: (try slot(weekday: 2, hour: 10), "2026-12-01")), at: now)
        #expect(throws: QueueError.slotFull) {
            try fixture.queue.reschedule(token: old.id, toSlot: target, day: "2026-12-02", actor: .citizen, at: now)
        }
        #expect(try fixture.queue.status(of: old.id, at: now)?.token.state == .booked)
    }

    @Test func aWalkInCannotBeRescheduled() throws {
        let walkIn = try fixture.walkIn()
        #expect(throws: QueueError.illegalTransition(action: .cancel, from: .waiting)) {
            try fixture.queue.reschedule(token: walkIn.id, toSlot: try slot(weekday: 2, hour: 10), day: "2026-12-01",
                                         actor: .citizen, at: now)
        }
    }
}

@Suite("Cancelling an appointment")
struct CancelAppointmentTests {
    @Test func aBookedAppointmentCanBeCancelledBeforeCheckIn() throws {
        let fixture = try QueueFixture()
        let slot = try fixture.slotID(weekday: 2, hour: 10)
        let token = try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "new-lt-connection",
                                                          citizen: QueueFixture.citizen(1), appointment: (slot, "2026-12-01")),
                                           at: QueueFixture.mondayMorning)
        let cancelled = try fixture.queue.cancel(token: token.id, actor: .citizen, at: QueueFixture.mondayMorning)
        #expect(cancelled.state == .cancelled && cancelled.queuedAt == nil)
    }
}
