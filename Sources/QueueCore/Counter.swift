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
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM counter WHERE id = ?"), arguments: [id]) else { return nil }
        let services = try String.fetchAll(db.cachedStatement(sql: "SELECT service_code FROM counter_service WHERE counter_id = ? ORDER BY service_code"),
                                           arguments: [id])
        return Counter(id: row["id"], officeCode: row["office_code"], number: row["number"],
                       state: State(rawValue: row["state"]) ?? .closed, pauseReason: row["pause_reason"],
                       serviceCodes: services)
    }

    static func fetch(_ db: Database, office: String, number: Int) throws -> Counter? {
        try id(db, office: office, number: number).flatMap { try fetch(db, id: $0) }
    }

    /// The id of counter `number` at an office.
    static func id(_ db: Database, office: String, number: Int) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM counter WHERE office_code = ? AND number = ?"), arguments: [office, number])
    }
}
