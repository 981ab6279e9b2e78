/// The state of the database as `/api/healthz` reports it.
public struct DatabaseHealth: Sendable, Equatable {
    /// The identifier of the newest applied migration.
    public var schemaVersion: String
    public var appliedMigrations: Int
    public var pendingMigrations: [String]
    public var officeCount: Int

    /// True when every migration this build knows has been applied.
    public var isCurrent: Bool { pendingMigrations.isEmpty }
}
