import GRDB

/// Migration v6: what the last catalogue import set for each counter's services and each office's
/// slot places. Administrators change those in the database too; an import applies a value from
/// the Markdown only when the Markdown changed it, so neither side silently undoes the other.
enum CatalogPlanMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE catalog_plan (
                office_code TEXT NOT NULL REFERENCES office(code) ON DELETE CASCADE ON UPDATE CASCADE,
                key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 100),
                value TEXT NOT NULL,
                PRIMARY KEY (office_code, key)
            ) STRICT, WITHOUT ROWID;
            """)
    }
}
