import GRDB

/// Migration v8: a token's secret splits into a view and a manage capability, and only digests
/// are kept. The old secret becomes the view secret, so links already given out still show their
/// token; tokens booked before this migration have no manage secret (their holders cancel at the
/// counter). Finding a token again (office, number and mobile) grants a further view secret, kept
/// in `token_view_grant`, since the first one cannot be read back. The digest is
/// StaffCrypto.digest, which is frozen: refresh tokens are stored with it too.
enum TokenCapabilitiesMigration {
    static func apply(_ db: Database) throws {
        db.add(function: DatabaseFunction("guvnl_secret_digest", argumentCount: 1, pure: true) { values in
            (String.fromDatabaseValue(values[0])).map(StaffCrypto.digest)
        })
        try db.execute(sql: """
            ALTER TABLE token RENAME COLUMN secret TO view_secret_hash;
            UPDATE token SET view_secret_hash = guvnl_secret_digest(view_secret_hash);
            ALTER TABLE token ADD COLUMN manage_secret_hash TEXT
                CHECK (manage_secret_hash IS NULL OR length(manage_secret_hash) = 64);
            CREATE TABLE token_view_grant (
                secret_hash TEXT PRIMARY KEY NOT NULL CHECK (length(secret_hash) = 64),
                token_id INTEGER NOT NULL REFERENCES token(id),
                granted_at INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX token_view_grant_by_token ON token_view_grant(token_id, granted_at);
            """)
    }
}
