import GRDB

/// What a member of staff may do: counter staff at their office (and counter, if assigned),
/// office managers at their office, administrators everywhere.
public enum StaffRole: String, Sendable, Codable, CaseIterable {
    case counterStaff = "counter_staff"
    case officeManager = "office_manager"
    case administrator
}

/// A member of staff (never with the password hash).
public struct StaffUser: Sendable, Equatable, Codable {
    public var id: Int64
    public var username: String
    public var displayName: String
    public var role: StaffRole
    public var officeCode: String?
    public var counterID: Int64?
    public var isActive: Bool

    /// The member of staff a prepared statement selects (`SELECT * FROM staff_user ...`), with their password hash.
    static func fetch(_ statement: Statement, arguments: StatementArguments) throws -> (StaffUser, hash: String)? {
        guard let row = try Row.fetchOne(statement, arguments: arguments) else { return nil }
        return (StaffUser(id: row["id"], username: row["username"], displayName: row["display_name"],
                          role: StaffRole(rawValue: row["role"]) ?? .counterStaff, officeCode: row["office_code"],
                          counterID: row["counter_id"], isActive: row["is_active"]), row["password_hash"])
    }

    /// True if this person may manage the office: its kiosks, reports and settings.
    public func mayManage(office: String) -> Bool {
        guard isActive else { return false }
        switch role {
        case .administrator: return true
        case .officeManager: return officeCode == office
        case .counterStaff: return false
        }
    }

    /// True if this person may act at the counter (`office`, `counterID`).
    public func mayAct(atCounter counterID: Int64, inOffice office: String) -> Bool {
        guard isActive else { return false }
        switch role {
        case .administrator: return true
        case .officeManager: return officeCode == office
        case .counterStaff: return officeCode == office && (self.counterID == nil || self.counterID == counterID)
        }
    }
}
