import Foundation
import QueueCore

/// What the booking form, sent for a walk-in while the office is closed, offers instead: when the
/// office opens again, and the service's first free appointment times in the coming week, so that
/// a citizen without JavaScript can book one with the next tap.
struct ClosedOfficeOffer {
    static let daysAhead = 7

    var opensAt: Date?
    var takesAppointments: Bool
    /// The first day with a free time, and its free times; nil when none in the coming week.
    var day: String?
    var slots: [SlotAvailability] = []

    /// For a walk-in refused because the office is closed now (after hours, or a holiday today):
    /// when it opens again (nil inside: not known); nil for any other refusal.
    static func refusedWalkIn(_ error: any Error, _ body: RequestBody, queue: Queue, now: Date) -> Date?? {
        guard body["slot"] == nil else { return nil }
        switch error {
        case QueueError.officeClosed(let opensAt): return .some(opensAt)
        case QueueError.holiday: return .some(try? queue.snapshot(office: body["office"] ?? "", at: now).opensAt ?? nil)
        default: return nil
        }
    }

    static func make(queue: Queue, office: OfficeSummary?, service code: String, opensAt: Date?, now: Date) -> ClosedOfficeOffer {
        let takesAppointments = office?.services.first { $0.code == code }?.takesAppointments ?? false
        var offer = ClosedOfficeOffer(opensAt: opensAt, takesAppointments: takesAppointments)
        guard takesAppointments, let office, let zone = TimeZone(identifier: office.timeZone) else { return offer }
        for ahead in 0...daysAhead {
            let day = ServiceDay(now.addingTimeInterval(Double(ahead) * 86_400), timeZone: zone).day
            let free = ((try? queue.slots(office: office.code, service: code, day: day, at: now)) ?? [])
                .filter { !$0.isPast && $0.placesLeft > 0 }
            if !free.isEmpty {
                offer.day = day
                offer.slots = free
                return offer
            }
        }
        return offer
    }
}
