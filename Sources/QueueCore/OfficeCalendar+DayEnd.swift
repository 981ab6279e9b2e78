import Foundation

/// When an office's day ends, for the day-end job.
extension OfficeCalendar {
    /// The moment the day `YYYY-MM-DD` ends at this office: its last closing by the hours of that
    /// weekday (a 24-hour office closes at midnight), or the day's end at midnight when it has no
    /// hours that day or is a holiday (a token booked for such a day still ends with it).
    func closing(of day: String) -> Date? {
        guard let midnight = ServiceDay.midnight(of: day, timeZone: timeZone) else { return nil }
        let weekday = ServiceDay(midnight.addingTimeInterval(3600), timeZone: timeZone).weekday
        let last = holiday(on: day) == nil ? hours.filter { $0.weekday == weekday }.map(\.closesAt).max() : nil
        guard let last else { return ServiceDay.end(of: day, timeZone: timeZone) }
        return midnight.addingTimeInterval(Double(last) * 60)
    }

    /// The latest service day whose closing is at or before `now` (today once the office has
    /// closed, else yesterday), and the next closing after `now`.
    func dayEnd(at now: Date) -> (lastEndedDay: String, nextClosing: Date)? {
        let today = ServiceDay(now, timeZone: timeZone).day
        guard let todayClosing = closing(of: today), let midnight = ServiceDay.midnight(of: today, timeZone: timeZone),
              let tomorrowClosing = ServiceDay.end(of: today, timeZone: timeZone).flatMap({ closing(of: ServiceDay($0.addingTimeInterval(3600), timeZone: timeZone).day) })
        else { return nil }
        if todayClosing <= now { return (today, tomorrowClosing) }
        let yesterday = ServiceDay(midnight.addingTimeInterval(-3600), timeZone: timeZone).day
        return (yesterday, todayClosing)
    }
}
