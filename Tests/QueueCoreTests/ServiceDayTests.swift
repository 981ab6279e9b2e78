import Foundation
import Testing
@testable import QueueCore

/// An office's local date, weekday and minute, as the calendar gives them, in zones with and
/// without daylight saving, across centuries and on both sides of 1970.
@Suite("The service day of a moment")
struct ServiceDayTests {
    @Test(arguments: ["Asia/Kolkata", "Europe/London", "America/St_Johns", "Pacific/Chatham", "UTC"])
    func itAgreesWithTheGregorianCalendar(zone: String) throws {
        let timeZone = try #require(TimeZone(identifier: zone))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var random = SeededRandom(seed: 2026)
        for _ in 0..<5_000 {
            // Given a moment between 1900 and 2100
            let date = Date(timeIntervalSince1970: Double(Int.random(in: -2_208_988_800...4_102_444_800, using: &random)))
            // When it is seen from the office
            let moment = ServiceDay(date, timeZone: timeZone)
            // Then the date, weekday (1 = Monday) and minute are the calendar's
            let parts = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: date)
            let day = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
            #expect(moment.day == day, "\(date) in \(zone)")
            #expect(moment.weekday == ((parts.weekday ?? 1) + 5) % 7 + 1, "\(date) in \(zone)")
            #expect(moment.minuteOfDay == (parts.hour ?? 0) * 60 + (parts.minute ?? 0), "\(date) in \(zone)")
        }
    }

    @Test func digitsArePaddedAndHexIsLowerCase() {
        #expect(Digits.padded(7, width: 3) == "007" && Digits.padded(1234, width: 2) == "1234" && Digits.padded(0, width: 4) == "0000")
        #expect(Digits.hex([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
    }
}
