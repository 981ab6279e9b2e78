import Foundation
import GRDB

/// One scheduled job's record, as `scheduled_job` keeps it.
public struct ScheduledJob: Sendable, Equatable {
    public var name: String
    /// An office code, or empty for a job of the whole installation.
    public var scope: String
    public var dueAt: Date
    public var leaseOwner: String?
    public var leaseUntil: Date?
    public var lastStartedAt: Date?
    public var lastFinishedAt: Date?
    public var lastOutcome: String?
    public var lastError: String?
    public var rowsAffected: Int
    public var runs: Int

    init(row: Row) {
        func date(_ column: String) -> Date? { (row[column] as Int64?).map(Date.init(milliseconds:)) }
        name = row["name"]
        scope = row["scope"]
        dueAt = date("due_at") ?? Date(milliseconds: 0)
        leaseOwner = row["lease_owner"]
        leaseUntil = date("lease_until")
        lastStartedAt = date("last_started_at")
        lastFinishedAt = date("last_finished_at")
        lastOutcome = row["last_outcome"]
        lastError = row["last_error"]
        rowsAffected = row["rows_affected"]
        runs = row["runs"]
    }
}
