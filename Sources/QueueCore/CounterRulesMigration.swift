import GRDB

/// Migration v14 (issue 16, the counter as staff use it), per office in `queue_policy`:
/// - the least time between calling a citizen and calling them again or marking them a no-show
///   (`QueuePolicy.minRecallSeconds`); without it R, R, X pressed within five seconds marked a
///   citizen gone who had no time to walk to the counter;
/// - how long a break may run before the dashboard flags it (`QueuePolicy.breakLimitMinutes`);
/// - the token state `parked` (a citizen sent to fetch a document, called back to the same counter
///   when ready) and when the clerk expects them back. SQLite cannot widen a CHECK in place, so the
///   token table is rebuilt from its own stored definition (as `KioskMigration` does) with only the
///   end of the state list replaced, so that another migration widening it the same way (`expired`)
///   composes with this one in either order.
enum CounterRulesMigration {
    static let stateListEnd = "'no_show', 'cancelled'"
    static let parkedListEnd = "'no_show', 'cancelled', 'parked'"

    static func apply(_ db: Database) throws {
        guard let table = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'token'"),
              table.contains(stateListEnd + ")") || table.contains(stateListEnd + ", ") else {
            throw DatabaseError(message: "v14-counter-rules: the token table's state list is not the one expected")
        }
        let others = try String.fetchAll(db, sql: """
            SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = 'token' AND sql IS NOT NULL
            """)
        let rebuilt = table
            .replacingOccurrences(of: stateListEnd + ")", with: parkedListEnd + ")")
            .replacingOccurrences(of: stateListEnd + ", ", with: parkedListEnd + ", ")
            // (SQLite keeps the name quoted once a table has been renamed, as v5's rebuild did.)
            .replacingOccurrences(of: "CREATE TABLE \"token\" (", with: "CREATE TABLE token_v12 (")
            .replacingOccurrences(of: "CREATE TABLE token (", with: "CREATE TABLE token_v12 (")
        try db.execute(sql: rebuilt)
        try db.execute(sql: "INSERT INTO token_v12 SELECT * FROM token")
        try db.execute(sql: "DROP TABLE token")
        try db.execute(sql: "ALTER TABLE token_v12 RENAME TO token")
        for statement in others { try db.execute(sql: statement) }
        try db.execute(sql: "ALTER TABLE token ADD COLUMN parked_until INTEGER")
        try db.execute(sql: """
            ALTER TABLE queue_policy ADD COLUMN min_recall_seconds INTEGER NOT NULL DEFAULT 30
                CHECK (min_recall_seconds BETWEEN 0 AND 600);
            ALTER TABLE queue_policy ADD COLUMN break_limit_minutes INTEGER NOT NULL DEFAULT 30
                CHECK (break_limit_minutes BETWEEN 5 AND 240);
            """)
    }
}
