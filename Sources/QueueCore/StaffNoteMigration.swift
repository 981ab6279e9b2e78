import GRDB

/// Migration v7: a staff note on a token (what the clerk found, what to ask next), which stays
/// with the token through transfers so the next counter reads it.
enum StaffNoteMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE token ADD COLUMN staff_note TEXT CHECK (staff_note IS NULL OR length(staff_note) BETWEEN 1 AND 500);
            """)
    }
}
