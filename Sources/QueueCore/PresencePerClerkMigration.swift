import GRDB

/// Migration v17-presence-per-clerk: a counter's presence is kept per clerk, not one row per
/// counter, so that one clerk closing their console (the beacon) forgets only their own presence
/// while a colleague still signed in at the same counter keeps it counted as staffed. The table
/// keeps its name and columns; only its key changes, so it is rebuilt with its rows.
enum PresencePerClerkMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE counter_presence_by_clerk (
                counter_id INTEGER NOT NULL REFERENCES counter(id) ON DELETE CASCADE,
                staff_id INTEGER NOT NULL,
                seen_at INTEGER NOT NULL,
                PRIMARY KEY (counter_id, staff_id)
            ) STRICT;
            INSERT INTO counter_presence_by_clerk (counter_id, staff_id, seen_at)
                SELECT counter_id, staff_id, seen_at FROM counter_presence;
            DROP TABLE counter_presence;
            ALTER TABLE counter_presence_by_clerk RENAME TO counter_presence;
            """)
    }
}
