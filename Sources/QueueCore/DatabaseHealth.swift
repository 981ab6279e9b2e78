/// The state of the database as `/api/healthz` reports it.
public struct DatabaseHealth: Sendable, Equatable {
    /// The identifier of the newest applied migration.
    public var schemaVersion: String
    public var appliedMigrations: Int
    public var pendingMigrations: [String]
    public var officeCount: Int
    /// Free space where the database lives, in bytes (nil for an in-memory database).
    public var freeBytes: Int64?
    /// The size of that disk, in bytes (nil for an in-memory database).
    public var totalBytes: Int64?
    /// A reason the database cannot take writes now, if there is one.
    public var storageProblem: StorageProblem?

    /// True when every migration this build knows has been applied.
    public var isCurrent: Bool { pendingMigrations.isEmpty }

    /// Free space as a percentage of the disk, to one decimal.
    public var freePercent: Double? {
        guard let freeBytes, let totalBytes, totalBytes > 0 else { return nil }
        return (Double(freeBytes) * 1000 / Double(totalBytes)).rounded() / 10
    }

    /// Below this share of free space the disk is reported low (with 200: still serving), so that
    /// an operator acts well before writes fail.
    public static let lowFreePercent = 10.0

    /// True when the disk has room to serve but is running low.
    public var isDiskLow: Bool { (freePercent.map { $0 < Self.lowFreePercent } ?? false) || storageProblem == .full }
}
