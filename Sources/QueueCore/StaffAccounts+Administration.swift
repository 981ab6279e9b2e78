import Foundation
import GRDB

/// Managing staff accounts: the list of an office's staff, turning an account off (which ends its
/// sessions at once) or on again, and setting a new password. Each change goes in the office's audit log.
extension StaffAccounts {
    /// A member of staff as the administration page lists them.
    public struct Member: Sendable, Encodable, Equatable {
        public var id: Int64
        public var username: String
        public var displayName: String
        public var role: StaffRole
        public var office: String?
        public var counter: Int?
        public var isActive: Bool
    }

    /// The staff of an office, or everyone (nil: administrators' view, administrators included).
    public func members(office: String?) throws -> [Member] {
        try members(where: "?1 IS NULL OR s.office_code = ?1", [office])
    }

    public func member(_ id: Int64) throws -> Member? {
        try members(where: "s.id = ?", [id]).first
    }

    private func members(where condition: String, _ arguments: StatementArguments) throws -> [Member] {
        try database.writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.id, s.username, s.display_name, s.role, s.office_code, c.number AS counter, s.is_active
                FROM staff_user s LEFT JOIN counter c ON c.id = s.counter_id
                WHERE \(condition) ORDER BY s.is_active DESC, s.role, s.username
                """, arguments: arguments).map { row in
                Member(id: row["id"], username: row["username"], displayName: row["display_name"],
                       role: StaffRole(rawValue: row["role"]) ?? .counterStaff, office: row["office_code"],
                       counter: row["counter"], isActive: row["is_active"])
            }
        }
    }

    /// Turns an account off (its sessions end now) or on again.
    public func setActive(_ id: Int64, _ active: Bool, actor: Actor, at now: Date) throws {
        try changingAccounts { try database.write { db in
            guard let office = try Row.fetchOne(db, sql: "SELECT office_code FROM staff_user WHERE id = ?", arguments: [id]) else {
                throw StaffError.invalidAccount(field: "id", reason: "There is no such member of staff.")
            }
            try db.execute(sql: "UPDATE staff_user SET is_active = ? WHERE id = ?", arguments: [active, id])
            if !active { try endSessions(db, of: id, at: now) }
            try Self.audit(db, office: office["office_code"], kind: active ? .staffActivated : .staffDeactivated, member: id,
                           actor: actor, at: now)
        } }
    }

    /// A new role, office or counter for an account. Takes effect on the person's next request.
    public func setAssignment(_ id: Int64, role: StaffRole, office: String?, counterNumber: Int?, actor: Actor, at now: Date) throws {
        if role != .administrator, office == nil {
            throw StaffError.invalidAccount(field: "office", reason: "Counter staff and office managers belong to an office.")
        }
        try changingAccounts { try database.write { db in
            guard let before = try Row.fetchOne(db, sql: "SELECT office_code FROM staff_user WHERE id = ?", arguments: [id]) else {
                throw StaffError.invalidAccount(field: "id", reason: "There is no such member of staff.")
            }
            let office = role == .administrator ? nil : office
            if let office { _ = try OfficeFacts.load(db, code: office) }
            var counterID: Int64?
            if let counterNumber {
                counterID = try office.flatMap { try Counter.id(db, office: $0, number: counterNumber) }
                guard counterID != nil, role == .counterStaff else {
                    throw StaffError.invalidAccount(field: "counter", reason: "Only counter staff are tied to a counter, one of their office's.")
                }
            }
            try db.execute(sql: "UPDATE staff_user SET role = ?, office_code = ?, counter_id = ? WHERE id = ?",
                           arguments: [role.rawValue, office, counterID, id])
            for office in Set([before["office_code"] as String?, office].compactMap { $0 }) {
                try Self.audit(db, office: office, kind: .staffAssignmentChanged, member: id, actor: actor, at: now)
            }
        } }
    }

    /// A new password chosen by a manager (say, for someone who forgot theirs); their sessions end.
    public func setPassword(_ id: Int64, to password: String, actor: Actor, at now: Date) throws {
        guard password.count >= 10 else {
            throw StaffError.invalidAccount(field: "password", reason: "The password needs at least 10 characters.")
        }
        let hash = try hashed(password)
        try changingAccounts { try database.write { db in
            try db.execute(sql: "UPDATE staff_user SET password_hash = ? WHERE id = ?", arguments: [hash, id])
            guard db.changesCount == 1 else { throw StaffError.invalidAccount(field: "id", reason: "There is no such member of staff.") }
            try endSessions(db, of: id, at: now)
            let office = try String.fetchOne(db, sql: "SELECT office_code FROM staff_user WHERE id = ?", arguments: [id])
            try Self.audit(db, office: office, kind: .staffPasswordSet, member: id, actor: actor, at: now)
        } }
    }

    private func endSessions(_ db: Database, of id: Int64, at now: Date) throws {
        try db.execute(sql: "UPDATE staff_session SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                       arguments: [now.milliseconds, id])
    }

    /// The audit log is per office; administrators belong to none, so changes to their accounts are
    /// not in it (a known gap, until there is a log for the whole organisation).
    private static func audit(_ db: Database, office: String?, kind: EventKind, member: Int64, actor: Actor, at now: Date) throws {
        guard let office else { return }
        let username = try String.fetchOne(db, sql: "SELECT username FROM staff_user WHERE id = ?", arguments: [member]) ?? "?"
        _ = try EventLog.append(db, office: office, kind: kind, actor: actor, reason: username, at: now)
    }
}
