import Foundation
import GRDB

/// Messages per day, channel, state and reason: how well an office's citizens are being told.
public struct MessageTally: Sendable, Equatable, Encodable {
    public var day: String
    public var channel: String
    public var state: String
    /// The last error of failed and given-up messages (a gateway's or the worker's reason).
    public var reason: String?
    public var count: Int
}

/// One message as the administrators' messages page shows it: rendered, in the citizen's language,
/// the recipient masked.
public struct MessageListing: Sendable, Equatable, Encodable {
    public var id: Int64
    public var token: String?
    public var trigger: String
    public var channel: String
    public var language: String
    public var recipient: String
    public var state: String
    public var attempts: Int
    public var text: String?
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?
}

extension Deliveries {
    /// The office's messages created on the days `from` to `to` (its own calendar), counted.
    public func tally(office: String, from: String, to: String) throws -> [MessageTally] {
        try database.writer.read { db in
            let zone = try OfficeFacts.load(db, code: office).timeZone
            guard let start = ServiceDay.midnight(of: from, timeZone: zone), let last = ServiceDay.midnight(of: to, timeZone: zone) else {
                throw QueueError.invalidField(field: "from", reason: "Give the days as YYYY-MM-DD.")
            }
            guard start <= last else { throw QueueError.invalidField(field: "to", reason: "The last day must not be before the first.") }
            guard last.timeIntervalSince(start) <= 370 * 86_400 else {
                throw QueueError.invalidField(field: "to", reason: "Ask for at most a year at a time.")
            }
            let end = last.addingTimeInterval(86_400 + 7_200)
            var counts: [String: MessageTally] = [:]
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT created_at, channel, state, last_error FROM outbox WHERE office_code = ? AND created_at >= ? AND created_at < ?
                """), arguments: [office, start.milliseconds, end.milliseconds])
            while let row = try rows.next() {
                let day = ServiceDay(Date(milliseconds: row["created_at"]), timeZone: zone).day
                guard day >= from, day <= to else { continue }
                let state: String = row["state"]
                let reason: String? = ["failed", "gave_up"].contains(state) ? row["last_error"] : nil
                let key = [day, row["channel"], state, reason ?? ""].joined(separator: "\u{0}")
                counts[key, default: MessageTally(day: day, channel: row["channel"], state: state, reason: reason, count: 0)].count += 1
            }
            return counts.values.sorted { ($0.day, $0.channel, $0.state, $0.reason ?? "") < ($1.day, $1.channel, $1.state, $1.reason ?? "") }
        }
    }

    /// The office's newest messages, newest first.
    public func recent(office: String, limit: Int) throws -> [MessageListing] {
        try database.writer.read { db in
            _ = try OfficeFacts.load(db, code: office)  // an unknown office is refused
            return try OutboxMessage.fetchAll(db.cachedStatement(sql: "SELECT * FROM outbox WHERE office_code = ? ORDER BY id DESC LIMIT ?"),
                                              arguments: [office, limit]).map { message in
                MessageListing(id: message.id, token: message.params["number"], trigger: message.trigger.rawValue,
                               channel: message.channel.rawValue, language: message.language, recipient: OutboxMessage.masked(message.recipient),
                               state: message.state.rawValue, attempts: message.attempts, text: message.body.map(OutboxMessage.withoutSecrets),
                               lastError: message.lastError, createdAt: message.createdAt, sentAt: message.sentAt)
            }
        }
    }
}
