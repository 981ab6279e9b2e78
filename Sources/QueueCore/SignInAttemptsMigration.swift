import GRDB

/// Migration v9: sign-in attempts are counted per account name and client address, and counted as
/// they begin rather than after the password check, so that guesses sent in parallel cannot all slip
/// through one delay window, and a flood of wrong passwords from one address cannot keep the
/// account's owner out from another.
enum SignInAttemptsMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            DROP TABLE sign_in_failure;
            CREATE TABLE sign_in_attempt (
                username TEXT NOT NULL COLLATE NOCASE,
                -- The client's address (IPv6: its /64, which one subscriber holds).
                address TEXT NOT NULL,
                failures INTEGER NOT NULL CHECK (failures >= 0),
                blocked_until INTEGER NOT NULL,
                last_attempt_at INTEGER NOT NULL,
                PRIMARY KEY (username, address)
            ) STRICT;
            CREATE INDEX sign_in_attempt_age ON sign_in_attempt(last_attempt_at);
            """)
    }
}
