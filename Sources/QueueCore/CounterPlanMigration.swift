import GRDB

/// Migration v11: what the wait forecast needs to know of each counter's day. Its planned pauses
/// and closing time (every open day, from the office's Markdown or the settings page), and when a
/// clerk was last seen at it (the console's presence heartbeat), so that a counter left open with
/// nobody at it stops counting as capacity; and each service's wait target, which the manager's
/// dashboard holds the forecast against.
enum CounterPlanMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE counter_pause (
                counter_id INTEGER NOT NULL REFERENCES counter(id) ON DELETE CASCADE,
                starts_at INTEGER NOT NULL CHECK (starts_at BETWEEN 0 AND 1439),
                ends_at INTEGER NOT NULL CHECK (ends_at BETWEEN 1 AND 1440 AND ends_at > starts_at),
                reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 100),
                PRIMARY KEY (counter_id, starts_at)
            ) STRICT;

            ALTER TABLE counter ADD COLUMN closes_at INTEGER CHECK (closes_at IS NULL OR closes_at BETWEEN 1 AND 1440);

            ALTER TABLE office_service ADD COLUMN target_minutes INTEGER NOT NULL DEFAULT 30
                CHECK (target_minutes BETWEEN 5 AND 600);

            CREATE TABLE counter_presence (
                counter_id INTEGER PRIMARY KEY REFERENCES counter(id) ON DELETE CASCADE,
                staff_id INTEGER NOT NULL,
                seen_at INTEGER NOT NULL
            ) STRICT;
            """)
    }
}
