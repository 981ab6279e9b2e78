import Foundation
import QueueCore

/// An appointment as an iCalendar file (RFC 5545), for "add to calendar": one event from the
/// slot's start to its end at the office. No personal data: the token number, the service and
/// the office, nothing of the citizen.
struct AppointmentCalendar {
    let token: Token
    let slot: SlotAvailability
    let office: OfficeSummary
    let language: String

    func text(now: Date) -> String? {
        guard let zone = TimeZone(identifier: office.timeZone),
              let midnight = ServiceDay.midnight(of: slot.day, timeZone: zone),
              let starts = Queue.minutes(ofClock: slot.starts), let ends = Queue.minutes(ofClock: slot.ends) else { return nil }
        let name = { (names: LocalizedName) in language == "gu" ? names.gu : language == "hi" ? names.hi : names.en }
        let service = office.services.first { $0.code == token.serviceCode }.map { name($0.names) } ?? token.serviceCode
        let lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//GUVNL Queue//Appointments//EN", "CALSCALE:GREGORIAN",
            "BEGIN:VEVENT",
            "UID:token-\(token.id)@guvnl-queue",
            "DTSTAMP:\(Self.utc(now))",
            "DTSTART:\(Self.utc(midnight.addingTimeInterval(Double(starts) * 60)))",
            "DTEND:\(Self.utc(midnight.addingTimeInterval(Double(ends) * 60)))",
            "SUMMARY:\(Self.escape("\(token.number) · \(service)"))",
            "LOCATION:\(Self.escape("\(name(office.names)), \(name(office.address))"))",
            "END:VEVENT", "END:VCALENDAR",
        ]
        return lines.map(Self.folded).joined(separator: "\r\n") + "\r\n"
    }

    /// `20261207T050000Z`.
    static func utc(_ date: Date) -> String {
        let moment = ServiceDay(date, timeZone: TimeZone(identifier: "UTC") ?? .current)
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) % 60
        return moment.day.replacingOccurrences(of: "-", with: "") + "T"
            + Queue.clock(moment.minuteOfDay).replacingOccurrences(of: ":", with: "") + Digits.padded(seconds, width: 2) + "Z"
    }

    /// Text values escape backslash, semicolon, comma and line breaks.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\r\n", with: "\\n")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\n")
    }

    /// Lines longer than 75 octets continue on the next line after a space, never inside a character.
    static func folded(_ line: String) -> String {
        var result = "", count = 0
        for character in line {
            let size = String(character).utf8.count
            if count + size > 75 {
                result += "\r\n "
                count = 1
            }
            result.append(character)
            count += size
        }
        return result
    }
}
