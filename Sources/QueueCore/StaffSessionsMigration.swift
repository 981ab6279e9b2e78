import GRDB

/// Migration v3: what staff sign-in needs beyond `staff_user` (v2): the key that signs access
/// tokens, refresh-token sessions in rotation families, and failed sign-in counts for growing delays.
enum StaffSessionsMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE signing_key (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                key BLOB NOT NULL CHECK (length(key) = 32),
                created_at INTEGER NOT NULL
            ) STRICT;

            -- A refresh token is stored only as its hash. Each use makes a new one in the same family;
            -- a token used twice revokes the whole family (it was stolen, or replayed).
            CREATE TABLE staff_session (
                id INTEGER PRIMARY KEY,
                family TEXT NOT NULL,
                user_id INTEGER NOT NULL REFERENCES staff_user(id) ON DELETE CASCADE,
                token_hash TEXT NOT NULL UNIQUE,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                used_at INTEGER,
                revoked_at INTEGER
            ) STRICT;
            CREATE INDEX staff_session_by_family ON staff_session(family);
            CREATE INDEX staff_session_by_user ON staff_session(user_id);

            CREATE TABLE sign_in_failure (
                username TEXT PRIMARY KEY COLLATE NOCASE,
                failures INTEGER NOT NULL CHECK (failures >= 0),
                last_failed_at INTEGER NOT NULL
            ) STRICT;
            """)
    }
}
