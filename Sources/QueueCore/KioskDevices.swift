import Foundation
import GRDB

/// The kiosks of each office: a manager enrols a device (which then takes walk-ins without a name or
/// mobile number, since the citizen may have neither) and can revoke it. Each change is in the audit log.
public struct KioskDevices: Sendable {
    /// An enrolled kiosk.
    public struct Device: Sendable, Equatable, Codable {
        public var id: Int64
        public var office: String
        public var label: String
        public var enrolledAt: Date
        public var isRevoked: Bool
    }

    let database: AppDatabase

    public init(database: AppDatabase) { self.database = database }

    public func enrol(office: String, label: String, by actor: Actor, at now: Date) throws -> Device {
        let label = try TextInput.validated(label, field: "label", label: "kiosk's name", limit: 60)
        guard !label.isEmpty else {
            throw QueueError.invalidField(field: "label", reason: "Name the kiosk in 1 to 60 characters, such as \"Hall entrance\".")
        }
        return try database.write { db in
            _ = try OfficeFacts.load(db, code: office)
            var enrolledBy: Int64?
            if case .staff(let id, _) = actor { enrolledBy = id }
            try db.cachedStatement(sql: "INSERT INTO kiosk_device (office_code, label, enrolled_by, enrolled_at) VALUES (?, ?, ?, ?)").execute(arguments: [office, label, enrolledBy, now.milliseconds])
            let id = db.lastInsertedRowID
            _ = try EventLog.append(db, office: office, kind: .kioskEnrolled, actor: actor, reason: "kiosk \(id): \(label)", at: now)
            return Device(id: id, office: office, label: label, enrolledAt: now, isRevoked: false)
        }
    }

    public func revoke(_ id: Int64, by actor: Actor, at now: Date) throws {
        try database.write { db in
            guard let device = try Self.fetch(db, id: id), !device.isRevoked else { throw QueueError.kioskNotEnrolled }
            try db.cachedStatement(sql: "UPDATE kiosk_device SET revoked_at = ? WHERE id = ?").execute(arguments: [now.milliseconds, id])
            _ = try EventLog.append(db, office: device.office, kind: .kioskRevoked, actor: actor,
                                    reason: "kiosk \(id): \(device.label)", at: now)
        }
    }

    public func device(_ id: Int64) throws -> Device? {
        try database.writer.read { db in try Self.fetch(db, id: id) }
    }

    /// The kiosk must be enrolled, not revoked, and for this office.
    static func requireEnrolled(_ db: Database, kiosk id: Int64, office: String) throws {
        guard let device = try fetch(db, id: id), !device.isRevoked, device.office == office else {
            throw QueueError.kioskNotEnrolled
        }
    }

    static func fetch(_ db: Database, id: Int64) throws -> Device? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM kiosk_device WHERE id = ?"), arguments: [id]).map(device)
    }

    /// The kiosks an office ever enrolled, revoked ones included.
    static func all(_ db: Database, office: String) throws -> [Device] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM kiosk_device WHERE office_code = ? ORDER BY id"), arguments: [office]).map(device)
    }

    private static func device(_ row: Row) -> Device {
        Device(id: row["id"], office: row["office_code"], label: row["label"],
               enrolledAt: Date(milliseconds: row["enrolled_at"]), isRevoked: row["revoked_at"] != nil)
    }
}
