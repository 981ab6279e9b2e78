import GRDB

/// Migration v5: walk-in tokens taken at an enrolled kiosk may have no name or mobile number
/// (the clerk asks at the counter), and the kiosks themselves are enrolled devices per office.
///
/// SQLite cannot relax a column's CHECK in place, so the token table is rebuilt from its own
/// stored definition with the two column lines relaxed, rows copied, indexes re-created.
enum KioskMigration {
    static let strictName = "citizen_name TEXT NOT NULL CHECK (length(citizen_name) BETWEEN 1 AND 100),"
    static let relaxedName = "citizen_name TEXT CHECK (citizen_name IS NULL OR length(citizen_name) BETWEEN 1 AND 100),"
    static let strictPhone = "phone TEXT NOT NULL CHECK (phone GLOB '[6-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),"
    static let relaxedPhone = "phone TEXT CHECK (phone IS NULL OR phone GLOB '[6-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),"

    static func apply(_ db: Database) throws {
        guard let table = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'token'"),
              table.contains(strictName), table.contains(strictPhone) else {
            throw DatabaseError(message: "v5-kiosks: the token table is not the one v2-queue created")
        }
        let indexes = try String.fetchAll(db, sql: """
            SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'token' AND sql IS NOT NULL
            """)
        let rebuilt = table
            .replacingOccurrences(of: strictName, with: relaxedName)
            .replacingOccurrences(of: strictPhone, with: relaxedPhone)
            .replacingOccurrences(of: "CREATE TABLE token (", with: "CREATE TABLE token_v5 (")
        try db.execute(sql: rebuilt)
        try db.execute(sql: "INSERT INTO token_v5 SELECT * FROM token")
        try db.execute(sql: "DROP TABLE token")
        try db.execute(sql: "ALTER TABLE token_v5 RENAME TO token")
        for index in indexes { try db.execute(sql: index) }

        try db.execute(sql: """
            CREATE TABLE kiosk_device (
                id INTEGER PRIMARY KEY,
                office_code TEXT NOT NULL REFERENCES office(code) ON UPDATE CASCADE,
                label TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 60),
                enrolled_by INTEGER REFERENCES staff_user(id),
                enrolled_at INTEGER NOT NULL,
                revoked_at INTEGER
            ) STRICT;
            CREATE INDEX kiosk_device_by_office ON kiosk_device(office_code);
            """)
    }
}
