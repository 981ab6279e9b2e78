import GRDB

/// Migration v14: Web Push. A token's browser subscriptions (a few per token, each with the keys its
/// messages are encrypted to), and the server's VAPID key pair, made once and kept with the data.
enum PushSubscriptionsMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE push_subscription (
                id INTEGER PRIMARY KEY,
                token_id INTEGER NOT NULL REFERENCES token(id) ON DELETE CASCADE,
                -- The push service's address for this browser: https only, as browsers give it.
                -- One browser has one endpoint for the site, which may follow several tokens.
                endpoint TEXT NOT NULL CHECK (endpoint LIKE 'https://%' AND length(endpoint) <= 1024),
                -- The browser's P-256 key (65 bytes, uncompressed) and its 16-byte auth secret.
                p256dh BLOB NOT NULL CHECK (length(p256dh) = 65),
                auth BLOB NOT NULL CHECK (length(auth) = 16),
                created_at INTEGER NOT NULL,
                UNIQUE (token_id, endpoint)
            ) STRICT;
            CREATE INDEX push_subscription_by_endpoint ON push_subscription(endpoint);

            -- One row: the VAPID signing key (RFC 8292); never shown, only its public half.
            CREATE TABLE push_key (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                private_key BLOB NOT NULL CHECK (length(private_key) = 32),
                created_at INTEGER NOT NULL
            ) STRICT;
            """)
    }
}
