import GRDB

/// Migration v19: how an office tells its citizens, and one more thing to tell them.
/// - `office.turn_near_ahead`: "your turn is near" goes when this many people or fewer are before a
///   citizen (default 3, as the worker's one setting was before); `office.sms_via`: the office's
///   SMS-channel messages go as SMS or as WhatsApp Business template messages. Columns of `office`,
///   since every office has them; the catalogue import leaves them to the settings page unless the
///   office's Markdown changes them.
/// - The outbox takes the trigger `unlikely_today` (the forecast says the office will close before
///   the citizen is reached). SQLite cannot widen a CHECK in place, so the table is rebuilt as v13
///   made it with that one value added, its rows, ids and indexes kept.
enum OfficeMessagingMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE office ADD COLUMN turn_near_ahead INTEGER NOT NULL DEFAULT 3 CHECK (turn_near_ahead BETWEEN 0 AND 50);
            ALTER TABLE office ADD COLUMN sms_via TEXT NOT NULL DEFAULT 'sms' CHECK (sms_via IN ('sms', 'whatsapp'));

            CREATE TABLE outbox_v17 (
                id INTEGER PRIMARY KEY,
                token_id INTEGER REFERENCES token(id),
                office_code TEXT NOT NULL REFERENCES office(code) ON UPDATE CASCADE,
                trigger TEXT NOT NULL CHECK (trigger IN ('booked', 'called', 'cancelled', 'turn_near', 'closed_early',
                    'reminder_evening', 'reminder_hour', 'expired', 'unlikely_today')),
                channel TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'push', 'whatsapp')),
                language TEXT NOT NULL CHECK (language IN ('en', 'gu', 'hi')),
                recipient TEXT NOT NULL CHECK (length(recipient) BETWEEN 1 AND 254),
                params TEXT NOT NULL CHECK (json_valid(params)),
                template_key TEXT,
                template_id TEXT,
                body TEXT,
                state TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'sent', 'delivered', 'failed', 'gave_up')),
                attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                next_attempt_at INTEGER,
                lease_owner TEXT,
                lease_until INTEGER,
                idempotency_key TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
                provider_id TEXT,
                last_error TEXT CHECK (last_error IS NULL OR length(last_error) <= 300),
                created_at INTEGER NOT NULL,
                sent_at INTEGER,
                finished_at INTEGER,
                CHECK ((state = 'sending') = (lease_owner IS NOT NULL)),
                UNIQUE (token_id, trigger, channel)
            ) STRICT;
            INSERT INTO outbox_v17 (id, token_id, office_code, trigger, channel, language, recipient, params, template_key,
                template_id, body, state, attempts, next_attempt_at, lease_owner, lease_until, idempotency_key, provider_id,
                last_error, created_at, sent_at, finished_at)
            SELECT id, token_id, office_code, trigger, channel, language, recipient, params, template_key,
                template_id, body, state, attempts, next_attempt_at, lease_owner, lease_until, idempotency_key, provider_id,
                last_error, created_at, sent_at, finished_at FROM outbox;
            DROP TABLE outbox;
            ALTER TABLE outbox_v17 RENAME TO outbox;
            CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state IN ('pending', 'failed');
            CREATE INDEX outbox_leased ON outbox(lease_until) WHERE state = 'sending';
            CREATE INDEX outbox_by_office ON outbox(office_code, created_at);
            CREATE INDEX outbox_by_provider ON outbox(provider_id) WHERE provider_id IS NOT NULL;
            """)
    }
}
