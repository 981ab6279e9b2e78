import Foundation
import GRDB

/// Searching the audit log (the events table) of an office: by token number, by member of staff,
/// by action, by day range; newest first, a page at a time.
public struct AuditEntry: Sendable, Encodable, Equatable {
    public var id: Int64
    public var at: Date
    public var kind: String
    public var token: String?
    public var counter: Int?
    public var fromState: String?
    public var toState: String?
    /// `citizen`, `kiosk`, `kiosk:3`, `system`, or `staff:<id>:<username>`.
    public var actor: String
    public var reason: String?
}

/// What to look for in the audit log; empty fields match everything.
public struct AuditQuery: Sendable {
    public var office: String
    public var token: String?
    public var staff: String?
    public var from: String?
    public var to: String?
    /// Only entries of this kind (an `EventKind` raw value, such as `no_show` or `policy_changed`).
    public var kind: EventKind?
    /// Entries older than this id: the next page.
    public var before: Int64?
    public var limit: Int

    public init(office: String, token: String? = nil, staff: String? = nil, from: String? = nil, to: String? = nil,
                kind: EventKind? = nil, before: Int64? = nil, limit: Int = 100) {
        self.kind = kind
        self.office = office
        self.token = token
        self.staff = staff
        self.from = from
        self.to = to
        self.before = before
        self.limit = limit
    }
}

extension Queue {
    public func audit(_ query: AuditQuery) throws -> [AuditEntry] {
        try database.writer.read { db in
            let facts = try OfficeFacts.load(db, code: query.office)
            var conditions = ["e.office_code = ?"]
            var arguments: [any DatabaseValueConvertible] = [query.office]
            if let number = query.token?.uppercased(), !number.isEmpty {
                conditions.append("t.number = ?")
                arguments.append(number)
            }
            if let staff = query.staff?.lowercased(), !staff.isEmpty {
                // Matches the username part of `staff:<id>:<username>` exactly.
                conditions.append("lower(e.actor) LIKE 'staff:%:' || ? ESCAPE '\\'")
                arguments.append(staff.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_"))
            }
            if let from = query.from, !from.isEmpty {
                guard let start = ServiceDay.midnight(of: from, timeZone: facts.timeZone) else {
                    throw QueueError.invalidField(field: "from", reason: "Give the first day as YYYY-MM-DD.")
                }
                conditions.append("e.at >= ?")
                arguments.append(start.milliseconds)
            }
            if let to = query.to, !to.isEmpty {
                guard let end = ServiceDay.end(of: to, timeZone: facts.timeZone) else {
                    throw QueueError.invalidField(field: "to", reason: "Give the last day as YYYY-MM-DD.")
                }
                conditions.append("e.at < ?")
                arguments.append(end.milliseconds)
            }
            if let kind = query.kind {
                conditions.append("e.kind = ?")
                arguments.append(kind.rawValue)
            }
            if let before = query.before {
                conditions.append("e.id < ?")
                arguments.append(before)
            }
            arguments.append(max(1, min(query.limit, 500)))
            return try Row.fetchAll(db, sql: """
                SELECT e.id, e.at, e.kind, t.number, c.number AS counter, e.from_state, e.to_state, e.actor, e.reason
                FROM event e LEFT JOIN token t ON t.id = e.token_id LEFT JOIN counter c ON c.id = e.counter_id
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY e.id DESC LIMIT ?
                """, arguments: StatementArguments(arguments)).map { row in
                AuditEntry(id: row["id"], at: Date(milliseconds: row["at"]), kind: row["kind"], token: row["number"],
                           counter: row["counter"], fromState: row["from_state"], toState: row["to_state"],
                           actor: row["actor"], reason: row["reason"])
            }
        }
    }
}
