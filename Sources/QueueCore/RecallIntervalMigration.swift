import GRDB

/// Migration v12: the least time, per office, between calling a citizen and calling them again or
/// marking them a no-show (`QueuePolicy.minRecallSeconds`). Without it R, R, X pressed within five
/// seconds marked a citizen gone who had no time to walk to the counter.
enum RecallIntervalMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE queue_policy ADD COLUMN min_recall_seconds INTEGER NOT NULL DEFAULT 30
                CHECK (min_recall_seconds BETWEEN 0 AND 600);
            """)
    }
}
