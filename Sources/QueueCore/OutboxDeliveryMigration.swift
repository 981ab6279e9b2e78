import GRDB

/// Migration v12: the outbox becomes a delivery queue that `fcgi-app worker` sends from, with a
/// state per message, leases, retries and idempotency keys; the citizen's chosen channels are
/// kept beside the token; the worker records a heartbeat. The v2 outbox was never written to, so it is
/// replaced rather than altered (SQLite cannot add UNIQUE constraints to a table).
enum OutboxDeliveryMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            DROP INDEX outbox_pending;
            DROP TABLE outbox;

            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY,
                token_id INTEGER REFERENCES token(id),
                office_code TEXT NOT NULL REFERENCES office(code) ON UPDATE CASCADE,
                -- What caused the message: the template family the worker renders.
                trigger TEXT NOT NULL CHECK (trigger IN ('booked', 'called', 'cancelled', 'turn_near', 'closed_early',
                    'reminder_evening', 'reminder_hour', 'expired')),
                channel TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'push', 'whatsapp')),
                language TEXT NOT NULL CHECK (language IN ('en', 'gu', 'hi')),
                -- A mobile number or an e-mail address: personal data, erased with the token's.
                recipient TEXT NOT NULL CHECK (length(recipient) BETWEEN 1 AND 254),
                -- The values the template is filled with (number, office, service, counter, link...).
                params TEXT NOT NULL CHECK (json_valid(params)),
                -- As sent: the template key, its DLT template id (SMS) and the rendered text.
                template_key TEXT,
                template_id TEXT,
                body TEXT,
                state TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'sent', 'delivered', 'failed', 'gave_up')),
                attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                -- Due from then (a reminder's time, or a retry's); NULL: never again.
                next_attempt_at INTEGER,
                lease_owner TEXT,
                lease_until INTEGER,
                -- Sent with every attempt, so that a gateway drops a repeat of a message it has.
                idempotency_key TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
                -- The gateway's id for the message, which its delivery reports name.
                provider_id TEXT,
                last_error TEXT CHECK (last_error IS NULL OR length(last_error) <= 300),
                created_at INTEGER NOT NULL,
                sent_at INTEGER,
                finished_at INTEGER,
                CHECK ((state = 'sending') = (lease_owner IS NOT NULL)),
                -- Each trigger tells a token once per channel.
                UNIQUE (token_id, trigger, channel)
            ) STRICT;
            CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state IN ('pending', 'failed');
            CREATE INDEX outbox_leased ON outbox(lease_until) WHERE state = 'sending';
            CREATE INDEX outbox_by_office ON outbox(office_code, created_at);
            CREATE INDEX outbox_by_provider ON outbox(provider_id) WHERE provider_id IS NOT NULL;

            -- The channels the citizen chose when booking (a table of its own, so that the token
            -- table keeps its shape for migrations that rebuild it).
            CREATE TABLE token_channel (
                token_id INTEGER NOT NULL REFERENCES token(id) ON DELETE CASCADE,
                channel TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'push', 'whatsapp')),
                PRIMARY KEY (token_id, channel)
            ) STRICT, WITHOUT ROWID;

            -- One row per running worker, touched every few seconds: /api/healthz reports the newest.
            CREATE TABLE worker_heartbeat (
                worker TEXT PRIMARY KEY NOT NULL CHECK (length(worker) BETWEEN 1 AND 100),
                started_at INTEGER NOT NULL,
                beat_at INTEGER NOT NULL,
                sent INTEGER NOT NULL DEFAULT 0
            ) STRICT;
            """)
    }
}
