import Foundation
import QueueCore

/// Days and moments as a citizen reads them, in their language and with the digits 0-9 (the
/// numeral policy): "Monday 7 December", "today 10:30", "Monday 7 December 10:30". From the
/// interface strings (`day_mon`..., `month_1`...), so an editor can change the words.
struct CalendarText {
    static let weekdayKeys = ["day_mon", "day_tue", "day_wed", "day_thu", "day_fri", "day_sat", "day_sun"]

    let text: InterfaceText

    /// A service day (`YYYY-MM-DD`), or the text as it is if it is not one.
    func day(_ day: String, in language: String) -> String {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]),
              let weekday = ServiceDay.weekday(of: day, timeZone: TimeZone(identifier: "UTC") ?? .current) else { return day }
        return "\(text(Self.weekdayKeys[weekday - 1], in: language)) \(parts[2]) \(text("month_\(parts[1])", in: language))"
    }

    /// A moment at an office: "today 10:30" on the office's present day, else the day and the time.
    func moment(_ date: Date, timeZone: TimeZone, now: Date, in language: String) -> String {
        let local = ServiceDay(date, timeZone: timeZone)
        let clock = Queue.clock(local.minuteOfDay)
        if local.day == ServiceDay(now, timeZone: timeZone).day { return "\(text("booking_today", in: language)) \(clock)" }
        return "\(day(local.day, in: language)) \(clock)"
    }
}
