import GRDB

/// Migration v21 (issue 11, the write path): a value that changes whenever the settings a booking or
/// a call reads change, so that a process may keep those settings between transactions
/// (`SettingsCache`) and check them with one indexed read instead of reading them again.
/// - `settings_generation`: one row. Triggers on every write to the offices, their rules, hours,
///   holidays and services, and the services' names and documents set it to a new random value:
///   written by any process (the settings page, the catalogue import, a test's own SQL), it is seen
///   by every other. Random rather than counted: a change rolled back must not leave a value that a
///   later change would make again, since a cache may have been filled from the rolled-back one.
enum SettingsGenerationMigration {
    /// The tables whose rows the cache keeps (`SettingsCache.Key` says which reads each serves).
    static let tables = ["office", "queue_policy", "office_hours", "office_holiday", "office_service", "service", "service_document"]

    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE settings_generation (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                value INTEGER NOT NULL
            );
            INSERT INTO settings_generation (id, value) VALUES (1, random());
            """)
        for table in tables {
            for (name, event) in [("inserted", "INSERT"), ("updated", "UPDATE"), ("deleted", "DELETE")] {
                try db.execute(sql: """
                    CREATE TRIGGER \(table)_\(name)_settings_generation AFTER \(event) ON \(table)
                    BEGIN UPDATE settings_generation SET value = random() WHERE id = 1; END;
                    """)
            }
        }
    }
}
