import Foundation
import QueueCore

/// Free appointment times to offer without JavaScript: the service's first day with free times in
/// the coming week. The booking form, sent for a walk-in while the office is closed, offers them
/// with when the office opens again; an appointment's page offers them to move to.
struct AppointmentOffer {
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

    static func make(queue: Queue, office: OfficeSummary?, service code: String, opensAt: Date?, now: Date,
                     except: (slot: Int64, day: String)? = nil) -> AppointmentOffer {
        let takesAppointments = office?.services.first { $0.code == code }?.takesAppointments ?? false
        var offer = AppointmentOffer(opensAt: opensAt, takesAppointments: takesAppointments)
        guard takesAppointments, let office, let zone = TimeZone(identifier: office.timeZone) else { return offer }
        for ahead in 0...daysAhead {
            let day = ServiceDay(now.addingTimeInterval(Double(ahead) * 86_400), timeZone: zone).day
            let free = ((try? queue.slots(office: office.code, service: code, day: day, at: now)) ?? [])
                .filter { slot in !slot.isPast && slot.placesLeft > 0 && !(slot.id == except?.slot && day == except?.day) }
            if !free.isEmpty {
                offer.day = day
                offer.slots = free
                return offer
            }
        }
        return offer
    }

    /// The free times as a choice (the first chosen) under `legend`, with their day, for a form.
    func choice(legend: String, language: String, text: InterfaceText) -> String? {
        guard let day else { return nil }
        let word = { (key: String) in text(key, in: language) }
        let times = slots.enumerated().map { index, slot -> String in
            let label = word("slot_places").replacingOccurrences(of: "{time}", with: "\(slot.starts)–\(slot.ends)")
                .replacingOccurrences(of: "{n}", with: String(slot.placesLeft))
            return "<label class=\"choice\"><input type=\"radio\" name=\"slot\" value=\"\(slot.id)\"\(index == 0 ? " checked" : "")> \(HTML.escape(label))</label>"
        }.joined()
        let dayText = word("booking_offer_day").replacingOccurrences(of: "{day}", with: CalendarText(text: text).day(day, in: language))
        return """
            <fieldset class="when"><legend>\(HTML.escape(legend))</legend>
            <p>\(HTML.escape(dayText))</p>\(times)<input type="hidden" name="date" value="\(HTML.escape(day))"></fieldset>
            """
    }
}
