import GRDB

/// Migration v12: the scheduled jobs of an office day (day-end, retention, purges, checkpoint).
///
/// - `scheduled_job`: one row per job and scope (an office, or `''` for the installation), with
///   when it is next due, who holds its lease and until when, and how its last run went.
/// - Tokens gain the final state `expired` (the day ended before they were served). SQLite cannot
///   change a CHECK in place, so the token table is rebuilt from its stored definition as v5 does,
///   replacing only the closing part of the state list: another migration that adds a state the
///   same way composes with this one in either order.
/// - The events' append-only UPDATE trigger is replaced by one that allows exactly one write:
///   setting a free-text `reason` to NULL (the retention job and an erasure on request).
enum ScheduledJobsMigration {
    static let stateListEnd = "'no_show', 'cancelled')"
    static let stateListEndWithExpired = "'no_show', 'cancelled', 'expired')"

    static func apply(_ db: Database) throws {
        guard let table = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'token'"),
              table.components(separatedBy: stateListEnd).count == 2 else {
            throw DatabaseError(message: "v12-scheduled-jobs: the token table's state list is not the one v2-queue created")
        }
        let indexes = try String.fetchAll(db, sql: """
            SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'token' AND sql IS NOT NULL
            """)
        // v5's rename stored the name quoted; the first "(" ends the name either way.
        guard let open = table.firstIndex(of: "(") else {
            throw DatabaseError(message: "v12-scheduled-jobs: the token table's definition has no column list")
        }
        let rebuilt = "CREATE TABLE token_v12 " + table[open...]
            .replacingOccurrences(of: stateListEnd, with: stateListEndWithExpired)
        try db.execute(sql: rebuilt)
        try db.execute(sql: "INSERT INTO token_v12 SELECT * FROM token")
        try db.execute(sql: "DROP TABLE token")
        try db.execute(sql: "ALTER TABLE token_v12 RENAME TO token")
        for index in indexes { try db.execute(sql: index) }

        try db.execute(sql: """
            CREATE TABLE scheduled_job (
                name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
                -- An office code, or '' for a job of the whole installation.
                scope TEXT NOT NULL DEFAULT '',
                due_at INTEGER NOT NULL,
                -- A runner holds the job while lease_until is in the future; a runner killed
                -- mid-job leaves the lease to expire, and the job to be run again.
                lease_owner TEXT,
                lease_until INTEGER,
                last_started_at INTEGER,
                last_finished_at INTEGER,
                last_outcome TEXT CHECK (last_outcome IS NULL OR last_outcome IN ('ok', 'failed')),
                last_error TEXT CHECK (last_error IS NULL OR length(last_error) <= 300),
                rows_affected INTEGER NOT NULL DEFAULT 0 CHECK (rows_affected >= 0),
                runs INTEGER NOT NULL DEFAULT 0 CHECK (runs >= 0),
                PRIMARY KEY (name, scope)
            ) STRICT, WITHOUT ROWID;

            -- Day-end finds the open tokens of past days without scanning served ones.
            CREATE INDEX token_open_by_day ON token(office_code, service_day) WHERE state IN ('booked', 'waiting', 'called', 'parked');

            -- Retention finds the events that still hold a free-text reason (few) without a scan.
            CREATE INDEX event_with_reason ON event(at) WHERE reason IS NOT NULL;

            DROP TRIGGER event_is_append_only_update;
            -- Columns are listed so that no other change slips through with the erasure.
            CREATE TRIGGER event_is_append_only_update BEFORE UPDATE ON event
                WHEN NOT (NEW.reason IS NULL
                          AND NEW.id IS OLD.id AND NEW.office_code IS OLD.office_code AND NEW.token_id IS OLD.token_id
                          AND NEW.counter_id IS OLD.counter_id AND NEW.kind IS OLD.kind AND NEW.from_state IS OLD.from_state
                          AND NEW.to_state IS OLD.to_state AND NEW.actor IS OLD.actor AND NEW.at IS OLD.at)
                BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
            """)
    }
}
