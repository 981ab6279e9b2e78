import GRDB

/// The wait an office aims to keep a service's queue under (`office_service.target_minutes`, set on
/// the manager's settings page), for the alert that fires when the longest wait goes past it.
public struct ServiceWaitTarget: Sendable, Equatable {
    public let office: String
    public let service: String
    public let minutes: Int

    /// Every service every office offers, with its target.
    public static func all(in database: AppDatabase) throws -> [ServiceWaitTarget] {
        try database.writer.read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT office_code, service_code, target_minutes FROM office_service ORDER BY office_code, service_code
                """)).map { ServiceWaitTarget(office: $0["office_code"], service: $0["service_code"], minutes: $0["target_minutes"]) }
        }
    }
}
