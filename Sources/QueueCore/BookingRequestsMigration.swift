import GRDB

/// Migration v10: bookings made with an idempotency key (the API's `Idempotency-Key` header, the
/// booking form's hidden nonce) remember it for a day, so that a retried request returns the token
/// it booked rather than a second one. Only the key's digest is kept.
enum BookingRequestsMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE booking_request (
                key_hash TEXT PRIMARY KEY NOT NULL CHECK (length(key_hash) = 64),
                -- The digest of what was asked (office, service, citizen, slot): the same key with
                -- another request is refused rather than answered with someone else's token.
                fingerprint TEXT NOT NULL CHECK (length(fingerprint) = 64),
                token_id INTEGER NOT NULL REFERENCES token(id),
                created_at INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX booking_request_age ON booking_request(created_at);
            """)
    }
}
