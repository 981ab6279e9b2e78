import GRDB

/// Migration v15-feedback: a citizen's rating of a finished visit (1-5) and an optional comment,
/// once per token. The clerk who completed the visit is kept for the manager's report only.
enum FeedbackMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE token_feedback (
                token_id INTEGER PRIMARY KEY REFERENCES token(id),
                office_code TEXT NOT NULL REFERENCES office(code) ON UPDATE CASCADE,
                service_code TEXT NOT NULL,
                staff_id INTEGER REFERENCES staff_user(id),
                rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
                comment TEXT CHECK (comment IS NULL OR length(comment) BETWEEN 1 AND 500),
                at INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX token_feedback_by_office ON token_feedback(office_code, at);
            """)
    }
}
