import GRDB

/// Migration v1: the four distribution companies, their offices and opening hours, the services,
/// and which office offers which service. SQLite enforces the invariants itself.
enum OfficesAndServicesMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE discom (
                code TEXT PRIMARY KEY NOT NULL CHECK (code GLOB '[A-Z][A-Z]*' AND length(code) <= 8),
                name_en TEXT NOT NULL CHECK (length(name_en) BETWEEN 1 AND 120),
                name_gu TEXT NOT NULL CHECK (length(name_gu) BETWEEN 1 AND 120),
                name_hi TEXT NOT NULL CHECK (length(name_hi) BETWEEN 1 AND 120)
            ) STRICT;

            CREATE TABLE office (
                code TEXT PRIMARY KEY NOT NULL
                    CHECK (length(code) BETWEEN 2 AND 24 AND code NOT GLOB '*[^A-Z0-9-]*'),
                discom_code TEXT NOT NULL REFERENCES discom(code) ON UPDATE CASCADE,
                name_en TEXT NOT NULL CHECK (length(name_en) BETWEEN 1 AND 160),
                name_gu TEXT NOT NULL CHECK (length(name_gu) BETWEEN 1 AND 160),
                name_hi TEXT NOT NULL CHECK (length(name_hi) BETWEEN 1 AND 160),
                address_en TEXT NOT NULL DEFAULT '',
                address_gu TEXT NOT NULL DEFAULT '',
                address_hi TEXT NOT NULL DEFAULT '',
                time_zone TEXT NOT NULL DEFAULT 'Asia/Kolkata' CHECK (length(time_zone) > 0)
            ) STRICT;
            CREATE INDEX office_by_discom ON office(discom_code);

            -- Opening hours per weekday (1 = Monday ... 7 = Sunday), in minutes after local midnight.
            -- An office open around the clock has 0-1440 on every day.
            CREATE TABLE office_hours (
                office_code TEXT NOT NULL REFERENCES office(code) ON DELETE CASCADE ON UPDATE CASCADE,
                weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
                opens_at INTEGER NOT NULL CHECK (opens_at BETWEEN 0 AND 1439),
                closes_at INTEGER NOT NULL CHECK (closes_at BETWEEN 1 AND 1440 AND closes_at > opens_at),
                PRIMARY KEY (office_code, weekday, opens_at)
            ) STRICT, WITHOUT ROWID;

            CREATE TABLE service (
                code TEXT PRIMARY KEY NOT NULL
                    CHECK (length(code) BETWEEN 2 AND 40 AND code NOT GLOB '*[^a-z0-9-]*'),
                token_prefix TEXT NOT NULL UNIQUE
                    CHECK (length(token_prefix) BETWEEN 1 AND 3 AND token_prefix NOT GLOB '*[^A-Z]*'),
                name_en TEXT NOT NULL CHECK (length(name_en) BETWEEN 1 AND 160),
                name_gu TEXT NOT NULL CHECK (length(name_gu) BETWEEN 1 AND 160),
                name_hi TEXT NOT NULL CHECK (length(name_hi) BETWEEN 1 AND 160),
                typical_minutes INTEGER NOT NULL CHECK (typical_minutes BETWEEN 1 AND 480),
                takes_appointments INTEGER NOT NULL DEFAULT 0 CHECK (takes_appointments IN (0, 1))
            ) STRICT;

            CREATE TABLE office_service (
                office_code TEXT NOT NULL REFERENCES office(code) ON DELETE CASCADE ON UPDATE CASCADE,
                service_code TEXT NOT NULL REFERENCES service(code) ON DELETE CASCADE ON UPDATE CASCADE,
                daily_cap INTEGER NOT NULL CHECK (daily_cap BETWEEN 0 AND 100000),
                PRIMARY KEY (office_code, service_code)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX office_service_by_service ON office_service(service_code);
            """)
    }
}
