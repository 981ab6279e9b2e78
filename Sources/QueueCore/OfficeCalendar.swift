import Foundation
import GRDB

/// When an office takes walk-ins: its hours per weekday and its holidays, as values, so that the
/// rules about opening (open now, the next opening) are one pure piece of code whether they are asked
/// inside a booking's transaction or of an office's live picture.
struct OfficeCalendar: Sendable, Equatable {
    struct Hours: Sendable, Equatable {
        /// 1 = Monday ... 7 = Sunday.
        let weekday: Int
        /// Minutes after local midnight.
        let opensAt: Int
        let closesAt: Int
    }

    let timeZone: TimeZone
    let hours: [Hours]
    /// Holidays from `from` on, day (`YYYY-MM-DD`) to reason.
    let holidays: [String: String]

    /// The office's hours, and its holidays from `day` on (enough for `nextOpening`'s week ahead).
    static func load(_ db: Database, office code: String, timeZone: TimeZone, from day: String) throws -> OfficeCalendar {
        let hours = try Row.fetchAll(db.cachedStatement(sql: "SELECT weekday, opens_at, closes_at FROM office_hours WHERE office_code = ?"),
                                     arguments: [code]).map { Hours(weekday: $0["weekday"], opensAt: $0["opens_at"], closesAt: $0["closes_at"]) }
        let holidays = try Row.fetchAll(db.cachedStatement(sql: "SELECT day, reason FROM office_holiday WHERE office_code = ? AND day >= ?"),
                                        arguments: [code, day]).map { ($0["day"] as String, $0["reason"] as String) }
        return OfficeCalendar(timeZone: timeZone, hours: hours, holidays: Dictionary(holidays, uniquingKeysWith: { first, _ in first }))
    }

    /// The holiday's reason if the office is closed all that day.
    func holiday(on day: String) -> String? { holidays[day] }

    /// Open at this moment by its hours (holidays aside).
    func isOpen(at moment: ServiceDay) -> Bool {
        hours.contains { $0.weekday == moment.weekday && $0.opensAt <= moment.minuteOfDay && moment.minuteOfDay < $0.closesAt }
    }

    /// Open now: within its hours, and not a holiday.
    func isOpen(at date: Date) -> Bool {
        let moment = ServiceDay(date, timeZone: timeZone)
        return holiday(on: moment.day) == nil && isOpen(at: moment)
    }

    /// The next moment the office opens after `date`, within a week.
    func nextOpening(after date: Date) -> Date? {
        let now = ServiceDay(date, timeZone: timeZone)
        guard let midnight = ServiceDay.midnight(of: now.day, timeZone: timeZone) else { return nil }
        for offset in 0...7 {
            let dayStart = midnight.addingTimeInterval(Double(offset) * 86_400)
            let local = ServiceDay(dayStart.addingTimeInterval(3600), timeZone: timeZone)
            if holiday(on: local.day) != nil { continue }
            let opens = hours.filter { $0.weekday == local.weekday }.map(\.opensAt).sorted()
            for minute in opens where offset > 0 || minute > now.minuteOfDay {
                return dayStart.addingTimeInterval(Double(minute) * 60)
            }
        }
        return nil
    }
}
