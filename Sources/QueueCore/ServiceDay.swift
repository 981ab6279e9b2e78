import Foundation

/// A moment seen from an office: its local date (the service day), weekday and minute of the day.
public struct ServiceDay: Sendable, Equatable {
    /// `YYYY-MM-DD` in the office's time zone.
    public var day: String
    /// 1 = Monday ... 7 = Sunday.
    public var weekday: Int
    /// Minutes after local midnight.
    public var minuteOfDay: Int

    public init(_ date: Date, timeZone: TimeZone) {
        // The local time is the instant moved by the zone's offset at that instant; the civil date
        // follows by integer arithmetic (H. Hinnant's days-to-civil), which Calendar would take
        // microseconds for on every answer about the present.
        let local = Int64((date.timeIntervalSince1970).rounded(.down)) + Int64(timeZone.secondsFromGMT(for: date))
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let seconds = Int(local - days * 86_400)
        minuteOfDay = seconds / 60
        // 1970-01-01 was a Thursday (4 when Monday is 1).
        weekday = Int(((days % 7) + 7 + 3) % 7) + 1
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        day = Digits.padded(Int(year), width: 4) + "-" + Digits.padded(Int(month), width: 2) + "-" + Digits.padded(Int(dayOfMonth), width: 2)
    }

    /// The day `YYYY-MM-DD` at local midnight, or nil if it is not a real date written exactly so
    /// (`2026-12-+2` would pass Int's parsing and then fail the database's format check).
    public static func midnight(of day: String, timeZone: TimeZone) -> Date? {
        let bytes = Array(day.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || (48...57).contains($0.element) }) else { return nil }
        let parts = day.split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let dayOfMonth = Int(parts[2]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: year, month: month, day: dayOfMonth)
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        return date
    }

    /// The end of the day `YYYY-MM-DD`: the next day's local midnight.
    public static func end(of day: String, timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return midnight(of: day, timeZone: timeZone).flatMap { calendar.date(byAdding: .day, value: 1, to: $0) }
    }

    /// Weekday (1 = Monday) of a `YYYY-MM-DD` day.
    public static func weekday(of day: String, timeZone: TimeZone) -> Int? {
        midnight(of: day, timeZone: timeZone).map { ServiceDay($0, timeZone: timeZone).weekday }
    }
}

extension Date {
    /// Milliseconds since 1970, as the database stores times.
    var milliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    init(milliseconds: Int64) { self.init(timeIntervalSince1970: Double(milliseconds) / 1000) }
}
