import Foundation
import GRDB

/// A counter's planned day, every day it opens: its pauses ("13:30-14:00 Lunch") and the time it
/// stops calling if earlier than the office ("17:30"). Written in an office's Markdown (`counters:`
/// `pauses:` and `closes:`) or on the settings page; the wait forecast holds the counter back then.
public struct CounterSchedule: Sendable, Equatable {
    public struct Pause: Sendable, Equatable {
        /// Minutes of the local day.
        public var startsAt: Int
        public var endsAt: Int
        public var reason: String

        /// As written: `13:30-14:00 Lunch`.
        public var text: String { "\(Queue.clock(startsAt))-\(Queue.clock(endsAt)) \(reason)" }
    }

    public var pauses: [Pause]
    public var closesAt: Int?

    public init(pauses: [Pause] = [], closesAt: Int? = nil) {
        self.pauses = pauses
        self.closesAt = closesAt
    }

    /// Reads pauses written `HH:MM-HH:MM reason` and a closing time `HH:MM` (or nothing); the
    /// error names the field and what is wrong.
    public static func parse(pauses: [String], closes: String?) throws -> CounterSchedule {
        var parsed: [Pause] = []
        let written = pauses.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard written.count <= maximumPauses else {
            throw QueueError.invalidField(field: "pauses", reason: "A counter may have at most \(maximumPauses) pauses a day.")
        }
        for text in written {
            // As people write them: "13:30 - 14:00", "13:30–14:00", "13.30-14.00".
            let written = text.replacingOccurrences(of: "–", with: "-")
                .replacingOccurrences(of: #"\s*-\s*"#, with: "-", options: .regularExpression)
                .replacingOccurrences(of: #"(\d{1,2})\.(\d{2})"#, with: "$1:$2", options: .regularExpression)
            let parts = written.split(separator: " ", maxSplits: 1).map(String.init)
            let bounds = parts[0].split(separator: "-").map(String.init)
            guard bounds.count == 2, let start = Queue.minutes(ofClock: bounds[0]), let end = Queue.minutes(ofClock: bounds[1]), start < end else {
                throw QueueError.invalidField(field: "pauses", reason: "\"\(text)\" is not a pause like 13:30-14:00 Lunch.")
            }
            // Counted as the database counts (`counter_pause` holds 1 to 100), and held to the rules of
            // every other text a person types (no control or direction-changing characters).
            let reason = try TextInput.validated(parts.count > 1 ? parts[1] : "Break", field: "pauses", label: "reason of a pause", limit: 100)
            guard !reason.isEmpty else {
                throw QueueError.invalidField(field: "pauses", reason: "Give the reason of the pause \"\(text)\".")
            }
            parsed.append(Pause(startsAt: start, endsAt: end, reason: reason))
        }
        parsed.sort { $0.startsAt < $1.startsAt }
        for (earlier, later) in zip(parsed, parsed.dropFirst()) where later.startsAt < earlier.endsAt {
            throw QueueError.invalidField(field: "pauses", reason: "The pauses \(earlier.text) and \(later.text) overlap.")
        }
        var closesAt: Int?
        if let closes = closes?.trimmingCharacters(in: .whitespaces), !closes.isEmpty {
            guard let minute = Queue.minutes(ofClock: closes), minute > 0 else {
                throw QueueError.invalidField(field: "closes", reason: "\"\(closes)\" is not a time like 17:30.")
            }
            closesAt = minute
        }
        return CounterSchedule(pauses: parsed, closesAt: closesAt)
    }

    /// How many pauses a counter's day may have.
    public static let maximumPauses = 12

    /// As the settings page shows it.
    public var summary: String {
        let pauseText = pauses.isEmpty ? "no pauses" : pauses.map(\.text).joined(separator: ", ")
        return pauseText + (closesAt.map { ", closes \(Queue.clock($0))" } ?? "")
    }

    /// The summary as the audit log keeps it (an event's reason is at most 200 characters): cut
    /// short with an ellipsis where the pauses' reasons make it longer; the settings keep it whole.
    var auditSummary: String {
        let whole = summary
        guard TextInput.length(whole) > 200 else { return whole }
        return String(String.UnicodeScalarView(whole.unicodeScalars.prefix(199))) + "…"
    }

    static func load(_ db: Database, counter: Int64) throws -> CounterSchedule {
        let pauses = try Row.fetchAll(db.cachedStatement(sql: "SELECT starts_at, ends_at, reason FROM counter_pause WHERE counter_id = ? ORDER BY starts_at"),
                                      arguments: [counter]).map { Pause(startsAt: $0[0], endsAt: $0[1], reason: $0[2]) }
        let closes = try Int.fetchOne(db.cachedStatement(sql: "SELECT closes_at FROM counter WHERE id = ?"), arguments: [counter])
        return CounterSchedule(pauses: pauses, closesAt: closes)
    }

    func save(_ db: Database, counter: Int64) throws {
        try db.execute(sql: "DELETE FROM counter_pause WHERE counter_id = ?", arguments: [counter])
        for pause in pauses {
            try db.execute(sql: "INSERT INTO counter_pause VALUES (?, ?, ?, ?)", arguments: [counter, pause.startsAt, pause.endsAt, pause.reason])
        }
        try db.execute(sql: "UPDATE counter SET closes_at = ? WHERE id = ?", arguments: [closesAt, counter])
    }
}

extension Queue {
    /// A counter's planned pauses and closing time, from the settings page.
    public func setCounterSchedule(office code: String, counter number: Int, schedule: CounterSchedule, actor: Actor, at now: Date) throws {
        try commit { db, events in
            guard let counter = try Counter.fetch(db, office: code, number: number) else {
                throw QueueError.invalidField(field: "counter", reason: "There is no counter \(number) at \(code).")
            }
            try schedule.save(db, counter: counter.id)
            events.append(try EventLog.append(db, office: code, kind: .counterScheduleChanged, counter: counter, actor: actor,
                                              reason: schedule.auditSummary, at: now))
        }
    }
}
