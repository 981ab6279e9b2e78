import GRDB

/// Migration v20 (issue 11, the write path): fewer and cheaper b-trees for every booking and
/// counter action, which all run inside the one serial write lock. Every statement's plan before
/// and after is in README's "Token indexes".
/// - `view_secret_hash` loses its UNIQUE: a random digest, so its index cost each booking a random
///   page, and no statement looks a token up by it (reads go by id and compare the digest in
///   memory). SQLite cannot drop a column constraint, so the table is rebuilt from its own stored
///   definition with only that word taken out (as v14 does), its rows, ids, checks, defaults and
///   foreign keys kept; other tables' keys name `token` and hold once it is renamed back.
/// - `token_queue` leads with the state: (office, state, day, service). The queue's reads still find
///   their rows by full key, and the day-end's "open tokens of ended days" is a range of each open
///   state, so `token_open_by_day`, written at each booking and each call, goes.
/// - `token_issued`, whose only reader is the booking's count of cancelled tokens and which every
///   state change rewrote, becomes `token_cancelled`, partial on that state: a booking or a call no
///   longer touches it.
/// - `token_by_phone` drops the state (the few tokens of one number and day are checked in the row),
///   so a state change no longer rewrites it, and holds only tokens with a number (kiosk walk-ins
///   and tokens whose personal data was erased have none).
enum TokenWriteIndexesMigration {
    static let uniqueSecret = "view_secret_hash TEXT NOT NULL UNIQUE CHECK"
    static let plainSecret = "view_secret_hash TEXT NOT NULL CHECK"
    /// The indexes this migration replaces (their new shapes follow in `created`).
    static let replaced: Set<String> = ["token_queue", "token_issued", "token_by_phone", "token_open_by_day"]
    static let created = [
        "CREATE INDEX token_queue ON token(office_code, state, service_day, service_code)",
        // The state as a column too: a constant here, it makes the count read the index alone.
        "CREATE INDEX token_cancelled ON token(office_code, booked_service_code, service_day, state) WHERE state = 'cancelled'",
        "CREATE INDEX token_by_phone ON token(phone, service_day) WHERE phone IS NOT NULL",
    ]

    static func apply(_ db: Database) throws {
        guard let table = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'token'"),
              table.components(separatedBy: uniqueSecret).count == 2 else {
            throw DatabaseError(message: "v20-token-write-indexes: the token table's view_secret_hash is not the one expected")
        }
        let kept = try Row.fetchAll(db, sql: """
            SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = 'token' AND sql IS NOT NULL
            ORDER BY type, name
            """).filter { !replaced.contains($0["name"]) }.map { $0["sql"] as String }
        let rebuilt = table
            .replacingOccurrences(of: uniqueSecret, with: plainSecret)
            // (SQLite keeps the name quoted once a table has been renamed, as earlier rebuilds did.)
            .replacingOccurrences(of: "CREATE TABLE \"token\" (", with: "CREATE TABLE token_v20 (")
            .replacingOccurrences(of: "CREATE TABLE token (", with: "CREATE TABLE token_v20 (")
        try db.execute(sql: rebuilt)
        try db.execute(sql: "INSERT INTO token_v20 SELECT * FROM token")
        try db.execute(sql: "DROP TABLE token")
        try db.execute(sql: "ALTER TABLE token_v20 RENAME TO token")
        for statement in kept + created { try db.execute(sql: statement) }
    }
}
