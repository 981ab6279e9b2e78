import Foundation
import GRDB

/// A counter's break: from its pause (with the clerk who paused it and the reason) to its reopening
/// or closing, read from the events, so that a manager sees breaks per clerk and counter per day and
/// which ran past the office's limit (`QueuePolicy.breakLimitMinutes`).
public struct CounterBreak: Sendable, Encodable, Equatable {
    /// The service day it began on.
    public var day: String
    public var counter: Int
    public var username: String?
    public var displayName: String?
    /// As the clerk chose it (`lunch`, `tea break`, `system down`, `meeting`, or their own words).
    public var reason: String
    public var startedAt: Date
    /// Nil while the counter is still paused.
    public var endedAt: Date?
    public var minutes: Double
    public var overLimit: Bool
}

enum CounterBreaks {
    /// The breaks that began in [start, end), each up to its end or `now`.
    static func load(_ db: Database, office: OfficeFacts, start: Date, end: Date, now: Date) throws -> [CounterBreak] {
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT c.number, e.counter_id, e.kind, e.at, e.actor, e.reason FROM event e JOIN counter c ON c.id = e.counter_id
            WHERE e.office_code = ? AND e.kind IN ('counter_paused', 'counter_opened', 'counter_closed') AND e.at >= ?
            ORDER BY e.id
            """), arguments: [office.code, start.milliseconds])
        let names = try Dictionary(Row.fetchAll(db.cachedStatement(sql: "SELECT id, username, display_name FROM staff_user")).map {
            (($0["id"] as Int64), (($0["username"] as String), ($0["display_name"] as String)))
        }, uniquingKeysWith: { first, _ in first })
        var open: [Int64: Int] = [:]  // counter id -> index in `breaks` of its running break
        var breaks: [CounterBreak] = []
        let limit = Double(office.policy.breakLimitMinutes)
        for row in rows {
            let counterID: Int64 = row["counter_id"], at = Date(milliseconds: row["at"])
            if let index = open.removeValue(forKey: counterID) {
                breaks[index].endedAt = at
                breaks[index].minutes = at.timeIntervalSince(breaks[index].startedAt) / 60
                breaks[index].overLimit = breaks[index].minutes > limit
            }
            guard (row["kind"] as String) == "counter_paused", at < end else { continue }
            let actor: String = row["actor"]
            let parts = actor.split(separator: ":")
            let staff = parts.count >= 2 && parts[0] == "staff" ? Int64(parts[1]).flatMap { names[$0] } : nil
            let minutes = now.timeIntervalSince(at) / 60
            breaks.append(CounterBreak(day: office.serviceDay(at).day, counter: row["number"], username: staff?.0,
                                       displayName: staff?.1, reason: row["reason"] ?? "", startedAt: at, endedAt: nil,
                                       minutes: minutes, overLimit: minutes > limit))
            open[counterID] = breaks.count - 1
        }
        return breaks
    }
}
