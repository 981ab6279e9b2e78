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
        // Read by column position (`PositionalRows`): a call, start and completion read counters several times.
        let statement = try db.cachedStatement(sql: "SELECT id, office_code, number, state, pause_reason FROM counter WHERE id = ?")
        guard var counter = try PositionalRows.fetchAll(statement, arguments: [id], { row in
            Counter(id: row.next() ?? 0, officeCode: row.next() ?? "", number: row.next() ?? 0,
                    state: State(rawValue: row.next() ?? "") ?? .closed, pauseReason: row.next(), serviceCodes: [])
        }).first else { return nil }
        counter.serviceCodes = try String.fetchAll(
            db.cachedStatement(sql: "SELECT service_code FROM counter_service WHERE counter_id = ? ORDER BY service_code"), arguments: [id])
        return counter
    }

    static func fetch(_ db: Database, office: String, number: Int) throws -> Counter? {
        try id(db, office: office, number: number).flatMap { try fetch(db, id: $0) }
    }

    /// The id of counter `number` at an office.
    static func id(_ db: Database, office: String, number: Int) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM counter WHERE office_code = ? AND number = ?"), arguments: [office, number])
    }
}
