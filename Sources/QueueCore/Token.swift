import Foundation
import GRDB

/// A citizen's place in an office's queue for one service and one service day.
public struct Token: Sendable, Equatable, Identifiable {
    public var id: Int64
    /// Digest of the secret that reads the token (`TokenSecrets.view`).
    public var viewSecretHash: String
    /// Digest of the secret that cancels, moves or checks in the token; nil for tokens booked
    /// before capabilities were split, and for those booked at a kiosk.
    public var manageSecretHash: String?
    public var officeCode: String
    /// The service it is queued for now (a transfer changes it).
    public var serviceCode: String
    /// The service it was booked for; its number belongs to that service's sequence.
    public var bookedServiceCode: String
    public var serviceDay: String
    public var sequence: Int
    /// Service prefix and sequence, as announced: `NC-017`.
    public var number: String
    public var kind: TokenKind
    public var state: TokenState
    public var citizen: CitizenDetails
    public var slotID: Int64?
    public var slotStartsAt: Int?
    public var queuedAt: Date?
    public var createdAt: Date
    public var calledAt: Date?
    public var startedAt: Date?
    public var finishedAt: Date?
    public var counterID: Int64?
    public var targetCounterID: Int64?
    public var recalls: Int
    /// Staff only: the clerks' note, kept through transfers.
    public var staffNote: String?
    public var hasRejoined: Bool
    /// While parked: when the clerk expects the citizen back, if they said.
    public var parkedUntil: Date?
}

extension Token: FetchableRecord {
    public init(row: Row) throws {
        func date(_ column: String) -> Date? { (row[column] as Int64?).map(Date.init(milliseconds:)) }
        id = row["id"]
        viewSecretHash = row["view_secret_hash"]
        manageSecretHash = row["manage_secret_hash"]
        officeCode = row["office_code"]
        serviceCode = row["service_code"]
        bookedServiceCode = row["booked_service_code"]
        serviceDay = row["service_day"]
        sequence = row["sequence"]
        number = row["number"]
        kind = TokenKind(rawValue: row["kind"]) ?? .walkIn
        state = TokenState(rawValue: row["state"]) ?? .cancelled
        let name: String? = row["citizen_name"], phone: String? = row["phone"]
        let priority: String = row["priority"]
        citizen = CitizenDetails(
            name: name ?? "", phone: phone ?? "", email: row["email"] as String?,
            consumerNumber: row["consumer_number"] as String?, language: row["language"] as String,
            priority: PriorityCategory(rawValue: priority) ?? .none)
        slotID = row["slot_id"]
        slotStartsAt = row["slot_starts_at"]
        queuedAt = date("queued_at")
        createdAt = date("created_at") ?? Date(milliseconds: 0)
        calledAt = date("called_at")
        startedAt = date("started_at")
        finishedAt = date("finished_at")
        counterID = row["counter_id"]
        targetCounterID = row["target_counter_id"]
        recalls = row["recalls"]
        staffNote = row["staff_note"]
        hasRejoined = row["has_rejoined"]
        parkedUntil = date("parked_until")
    }

    static func fetch(_ db: Database, id: Int64) throws -> Token? {
        try Token.fetchAll(byColumns: db.cachedStatement(sql: "SELECT \(Token.columns) FROM token WHERE id = ?"), arguments: [id]).first
    }
}
