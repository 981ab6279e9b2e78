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
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: date)
        day = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        // Calendar's weekday is 1 = Sunday.
        weekday = ((parts.weekday ?? 1) + 5) % 7 + 1
        minuteOfDay = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
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
