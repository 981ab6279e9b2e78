import Foundation
import GRDB

extension Queue {
    /// The newest events row id (0 for none).
    public func latestEventID() throws -> Int64 {
        try database.writer.read { db in try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(id) FROM event")) ?? 0 }
    }

    /// The newest events row id of an office (0 for none).
    public func latestEventID(office: String) throws -> Int64 {
        try database.writer.read { db in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(id) FROM event WHERE office_code = ?"), arguments: [office]) ?? 0
        }
    }

    /// An office's events after `id`, oldest first, in their public form (no personal data).
    public func events(office: String, after id: Int64, limit: Int = 500) throws -> [QueueEvent] {
        try database.writer.read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT e.id, e.office_code, e.kind, e.token_id, t.number AS token_number, t.service_code,
                       e.counter_id, c.number AS counter_number, e.from_state, e.to_state, e.at
                FROM event e LEFT JOIN token t ON t.id = e.token_id LEFT JOIN counter c ON c.id = e.counter_id
                WHERE e.office_code = ? AND e.id > ? ORDER BY e.id LIMIT ?
                """), arguments: [office, id, limit]).map { row in
                QueueEvent(id: row["id"], officeCode: row["office_code"], kind: row["kind"], tokenID: row["token_id"],
                           tokenNumber: row["token_number"], serviceCode: row["service_code"], counterID: row["counter_id"],
                           counterNumber: row["counter_number"], fromState: row["from_state"], toState: row["to_state"],
                           at: Date(milliseconds: row["at"]))
            }
        }
    }

    /// The office a token belongs to, and the newest event id of that office.
    public func officeOfToken(_ tokenID: Int64) throws -> String? {
        try database.writer.read { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT office_code FROM token WHERE id = ?"), arguments: [tokenID])
        }
    }
}
