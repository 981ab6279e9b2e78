import GRDB

/// Migration v4: a service's fees, in the three languages, from the catalogue (NULL when none are given).
enum ServiceFeesMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE service ADD COLUMN fees_en TEXT CHECK (fees_en IS NULL OR length(fees_en) <= 500);
            ALTER TABLE service ADD COLUMN fees_gu TEXT CHECK (fees_gu IS NULL OR length(fees_gu) <= 500);
            ALTER TABLE service ADD COLUMN fees_hi TEXT CHECK (fees_hi IS NULL OR length(fees_hi) <= 500);
            """)
    }
}
