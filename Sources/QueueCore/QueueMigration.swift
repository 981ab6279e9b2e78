import GRDB

/// Migration v2: the live queue. Times are integers, milliseconds since 1970 UTC; a service day is
/// the office's local date as `YYYY-MM-DD`; minutes of day are local to the office.
enum QueueMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE office_holiday (
                office_code TEXT NOT NULL REFERENCES office(code) ON DELETE CASCADE ON UPDATE CASCADE,
                day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
                reason TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 200),
                PRIMARY KEY (office_code, day)
            ) STRICT, WITHOUT ROWID;

            CREATE TABLE service_document (
                service_code TEXT NOT NULL REFERENCES service(code) ON DELETE CASCADE ON UPDATE CASCADE,
                position INTEGER NOT NULL CHECK (position >= 0),
                name_en TEXT NOT NULL CHECK (length(name_en) BETWEEN 1 AND 300),
                name_gu TEXT NOT NULL CHECK (length(name_gu) BETWEEN 1 AND 300),
                name_hi TEXT NOT NULL CHECK (length(name_hi) BETWEEN 1 AND 300),
                PRIMARY KEY (service_code, position)
            ) STRICT, WITHOUT ROWID;

            -- The ordering policy's parameters per office; an office without a row uses the defaults in code.
            CREATE TABLE queue_policy (
                office_code TEXT PRIMARY KEY NOT NULL REFERENCES office(code) ON DELETE CASCADE ON UPDATE CASCADE,
                max_priority_streak INTEGER NOT NULL CHECK (max_priority_streak BETWEEN 1 AND 20),
                aging_minutes INTEGER NOT NULL CHECK (aging_minutes BETWEEN 5 AND 600),
                recall_limit INTEGER NOT NULL CHECK (recall_limit BETWEEN 0 AND 10),
                active_tokens_per_phone INTEGER NOT NULL CHECK (active_tokens_per_phone BETWEEN 1 AND 20)
            ) STRICT;

            CREATE TABLE counter (
                id INTEGER PRIMARY KEY,
                office_code TEXT NOT NULL REFERENCES office(code) ON DELETE CASCADE ON UPDATE CASCADE,
                number INTEGER NOT NULL CHECK (number BETWEEN 1 AND 999),
                state TEXT NOT NULL DEFAULT 'closed' CHECK (state IN ('open', 'paused', 'closed')),
                pause_reason TEXT CHECK (pause_reason IS NULL OR length(pause_reason) BETWEEN 1 AND 200),
                CHECK ((state = 'paused') = (pause_reason IS NOT NULL)),
                UNIQUE (office_code, number)
            ) STRICT;

            CREATE TABLE counter_service (
                counter_id INTEGER NOT NULL REFERENCES counter(id) ON DELETE CASCADE,
                service_code TEXT NOT NULL REFERENCES service(code) ON DELETE CASCADE ON UPDATE CASCADE,
                PRIMARY KEY (counter_id, service_code)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX counter_service_by_service ON counter_service(service_code);

            -- Appointment capacity: per office, service, weekday (1 = Monday) and interval of the day.
            CREATE TABLE appointment_slot (
                id INTEGER PRIMARY KEY,
                office_code TEXT NOT NULL,
                service_code TEXT NOT NULL,
                weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
                starts_at INTEGER NOT NULL CHECK (starts_at BETWEEN 0 AND 1439),
                ends_at INTEGER NOT NULL CHECK (ends_at BETWEEN 1 AND 1440 AND ends_at > starts_at),
                capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
                FOREIGN KEY (office_code, service_code) REFERENCES office_service(office_code, service_code)
                    ON DELETE CASCADE ON UPDATE CASCADE,
                UNIQUE (office_code, service_code, weekday, starts_at)
            ) STRICT;

            CREATE TABLE token (
                id INTEGER PRIMARY KEY,
                -- Shown only to the citizen who booked: reading the token needs it.
                secret TEXT NOT NULL UNIQUE CHECK (length(secret) >= 22),
                office_code TEXT NOT NULL REFERENCES office(code) ON UPDATE CASCADE,
                -- The service the token is queued for now (a transfer changes it) ...
                service_code TEXT NOT NULL REFERENCES service(code) ON UPDATE CASCADE,
                -- ... and the one it was booked for, which its number belongs to.
                booked_service_code TEXT NOT NULL REFERENCES service(code) ON UPDATE CASCADE,
                service_day TEXT NOT NULL CHECK (service_day GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
                sequence INTEGER NOT NULL CHECK (sequence >= 1),
                number TEXT NOT NULL CHECK (length(number) BETWEEN 3 AND 12),
                kind TEXT NOT NULL CHECK (kind IN ('walk_in', 'appointment')),
                state TEXT NOT NULL CHECK (state IN ('booked', 'waiting', 'called', 'serving', 'served', 'no_show', 'cancelled')),
                priority TEXT NOT NULL DEFAULT 'none'
                    CHECK (priority IN ('none', 'senior_citizen', 'person_with_disability', 'pregnant_woman')),
                citizen_name TEXT NOT NULL CHECK (length(citizen_name) BETWEEN 1 AND 100),
                phone TEXT NOT NULL CHECK (phone GLOB '[6-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
                email TEXT CHECK (email IS NULL OR length(email) BETWEEN 3 AND 254),
                consumer_number TEXT CHECK (consumer_number IS NULL OR consumer_number GLOB '[0-9]*' AND length(consumer_number) BETWEEN 5 AND 15),
                language TEXT NOT NULL DEFAULT 'gu' CHECK (language IN ('en', 'gu', 'hi')),
                -- Appointment: the slot's start, local minute of the service day.
                slot_id INTEGER REFERENCES appointment_slot(id) ON DELETE SET NULL,
                slot_starts_at INTEGER CHECK (slot_starts_at IS NULL OR slot_starts_at BETWEEN 0 AND 1439),
                -- Ordering: when it joined the queue (kept on transfer, reset on rejoin).
                queued_at INTEGER,
                created_at INTEGER NOT NULL,
                called_at INTEGER,
                started_at INTEGER,
                finished_at INTEGER,
                counter_id INTEGER REFERENCES counter(id) ON DELETE SET NULL,
                -- Set by a transfer to a given counter: only that counter calls it.
                target_counter_id INTEGER REFERENCES counter(id) ON DELETE SET NULL,
                recalls INTEGER NOT NULL DEFAULT 0 CHECK (recalls >= 0),
                has_rejoined INTEGER NOT NULL DEFAULT 0 CHECK (has_rejoined IN (0, 1)),
                CHECK ((kind = 'appointment') = (slot_starts_at IS NOT NULL)),
                -- Not yet checked in: not queued. In or through the queue: queued. (A cancelled
                -- appointment may never have been queued.)
                CHECK (state != 'booked' OR queued_at IS NULL),
                CHECK (state NOT IN ('waiting', 'called', 'serving', 'served', 'no_show') OR queued_at IS NOT NULL),
                CHECK (state NOT IN ('called', 'serving') OR counter_id IS NOT NULL),
                UNIQUE (office_code, booked_service_code, service_day, sequence)
            ) STRICT;
            -- Call next and positions: the waiting tokens of an office and day.
            CREATE INDEX token_queue ON token(office_code, service_day, state, service_code);
            -- Daily caps count the tokens issued for a service and day, from the index alone.
            CREATE INDEX token_issued ON token(office_code, booked_service_code, service_day, state);
            CREATE INDEX token_by_phone ON token(phone, service_day, state);
            CREATE INDEX token_by_number ON token(office_code, service_day, number);
            CREATE INDEX token_by_slot ON token(slot_id, service_day) WHERE slot_id IS NOT NULL;
            CREATE INDEX token_at_counter ON token(counter_id) WHERE state IN ('called', 'serving');
            -- Rolling service times for wait estimates.
            CREATE INDEX token_served ON token(office_code, service_code, finished_at) WHERE state = 'served';

            -- Append-only: the audit log, and the source of live updates (an SSE id is an event id).
            CREATE TABLE event (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                office_code TEXT NOT NULL REFERENCES office(code) ON UPDATE CASCADE,
                token_id INTEGER REFERENCES token(id),
                counter_id INTEGER REFERENCES counter(id),
                kind TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 40),
                from_state TEXT,
                to_state TEXT,
                actor TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 80),
                reason TEXT CHECK (reason IS NULL OR length(reason) <= 200),
                at INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX event_by_office ON event(office_code, id);
            CREATE INDEX event_by_token ON event(token_id, id) WHERE token_id IS NOT NULL;
            CREATE TRIGGER event_is_append_only_update BEFORE UPDATE ON event
                BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
            CREATE TRIGGER event_is_append_only_delete BEFORE DELETE ON event
                BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

            CREATE TABLE staff_user (
                id INTEGER PRIMARY KEY,
                username TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(username) BETWEEN 3 AND 40),
                display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
                password_hash TEXT NOT NULL CHECK (length(password_hash) > 0),
                role TEXT NOT NULL CHECK (role IN ('counter_staff', 'office_manager', 'administrator')),
                office_code TEXT REFERENCES office(code) ON UPDATE CASCADE,
                counter_id INTEGER REFERENCES counter(id) ON DELETE SET NULL,
                is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
                created_at INTEGER NOT NULL,
                CHECK (role = 'administrator' OR office_code IS NOT NULL)
            ) STRICT;

            -- Messages to send (SMS, e-mail, push) written in the same transaction as the change.
            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY,
                token_id INTEGER REFERENCES token(id),
                channel TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'push')),
                template TEXT NOT NULL,
                payload TEXT NOT NULL CHECK (json_valid(payload)),
                created_at INTEGER NOT NULL,
                sent_at INTEGER,
                attempts INTEGER NOT NULL DEFAULT 0
            ) STRICT;
            CREATE INDEX outbox_pending ON outbox(id) WHERE sent_at IS NULL;
            """)
    }
}
