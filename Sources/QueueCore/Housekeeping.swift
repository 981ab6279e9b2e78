import Foundation
import GRDB

/// The purges and the WAL checkpoint among the scheduled jobs: rows that have served their use.
enum Housekeeping {
    /// Deletes refresh-token families whose every token has expired (a replay of one is refused
    /// for its expiry alone), sign-in attempt records quiet for a day and no longer blocking, and
    /// booking idempotency keys past their day. Returns the rows deleted.
    ///
    /// Kiosk passes are signed cookies checked against `kiosk_device` on every use, so they leave
    /// no rows to purge; revoked devices are kept on purpose: deleting one could let its id be
    /// given to a new device and make the revoked pass valid again.
    static func purge(_ db: Database, at now: Date) throws -> Int {
        var deleted = 0
        try db.execute(sql: """
            DELETE FROM staff_session WHERE family IN
                (SELECT family FROM staff_session GROUP BY family HAVING max(expires_at) < ?)
            """, arguments: [now.milliseconds])
        deleted += db.changesCount
        try db.execute(sql: "DELETE FROM sign_in_attempt WHERE last_attempt_at < ? AND blocked_until < ?",
                       arguments: [now.addingTimeInterval(-86_400).milliseconds, now.milliseconds])
        deleted += db.changesCount
        try db.execute(sql: "DELETE FROM booking_request WHERE created_at < ?",
                       arguments: [now.addingTimeInterval(-Queue.bookingKeySeconds).milliseconds])
        deleted += db.changesCount
        return deleted
    }

    /// Moves the write-ahead log into the database file and truncates it; when readers keep it
    /// busy, a passive checkpoint does what it can without waiting. Returns the pages checkpointed.
    static func checkpoint(_ writer: any DatabaseWriter) throws -> Int {
        try writer.writeWithoutTransaction { db in
            guard let truncate = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") else { return 0 }
            if (truncate[0] as Int? ?? 0) == 0 { return max(0, truncate[2] as Int? ?? 0) }
            let passive = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
            return max(0, passive?[2] as Int? ?? 0)
        }
    }
}
