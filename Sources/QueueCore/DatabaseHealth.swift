/// The state of the database as `/api/healthz` reports it.
public struct DatabaseHealth: Sendable, Equatable {
    /// The identifier of the newest applied migration.
    public var schemaVersion: String
    public var appliedMigrations: Int
    public var pendingMigrations: [String]
    public var officeCount: Int
    /// Free space where the database lives, in bytes (nil for an in-memory database).
    public var freeBytes: Int64?
    /// A reason the database cannot take writes now, if there is one.
    public var storageProblem: StorageProblem?

    /// True when every migration this build knows has been applied.
    public var isCurrent: Bool { pendingMigrations.isEmpty }
}
