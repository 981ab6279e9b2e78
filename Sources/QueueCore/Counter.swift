import GRDB

/// A service counter of an office, the services it serves, and whether it is open.
public struct Counter: Sendable, Equatable, Identifiable {
    public enum State: String, Sendable, Codable, CaseIterable { case open, paused, closed }

    public var id: Int64
    public var officeCode: String
    public var number: Int
    public var state: State
    public var pauseReason: String?
    public var serviceCodes: [String]

    static func fetch(_ db: Database, id: Int64) throws -> Counter? {
        // Read by column position (`PositionalRows`), services and all in one statement: a call, start
        // and completion read counters several times. (Service codes are `[a-z0-9-]`, the schema's
        // check: a comma joins them safely.)
        let statement = try db.cachedStatement(sql: """
            SELECT id, office_code, number, state, pause_reason,
                   (SELECT group_concat(service_code) FROM counter_service WHERE counter_id = counter.id)
            FROM counter WHERE id = ?
            """)
        return try PositionalRows.fetchAll(statement, arguments: [id], { row in
            Counter(id: row.next() ?? 0, officeCode: row.next() ?? "", number: row.next() ?? 0,
                    state: State(rawValue: row.next() ?? "") ?? .closed, pauseReason: row.next(),
                    serviceCodes: (row.next() as String?).map { $0.split(separator: ",").map(String.init).sorted() } ?? [])
        }).first
    }

    static func fetch(_ db: Database, office: String, number: Int) throws -> Counter? {
        try id(db, office: office, number: number).flatMap { try fetch(db, id: $0) }
    }

    /// The id of counter `number` at an office.
    static func id(_ db: Database, office: String, number: Int) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM counter WHERE office_code = ? AND number = ?"), arguments: [office, number])
    }
}
