import GRDB

/// Migration v12 (issue 16, the counter as staff use it), per office in `queue_policy`:
/// - the least time between calling a citizen and calling them again or marking them a no-show
///   (`QueuePolicy.minRecallSeconds`); without it R, R, X pressed within five seconds marked a
///   citizen gone who had no time to walk to the counter;
/// - how long a break may run before the dashboard flags it (`QueuePolicy.breakLimitMinutes`).
enum CounterRulesMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE queue_policy ADD COLUMN min_recall_seconds INTEGER NOT NULL DEFAULT 30
                CHECK (min_recall_seconds BETWEEN 0 AND 600);
            ALTER TABLE queue_policy ADD COLUMN break_limit_minutes INTEGER NOT NULL DEFAULT 30
                CHECK (break_limit_minutes BETWEEN 5 AND 240);
            """)
    }
}
