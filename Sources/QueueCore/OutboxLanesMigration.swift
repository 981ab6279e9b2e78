import GRDB

/// Migration v23: the worker claims push apart from the other channels (`Deliveries.Lane`), and each
/// lane finds its due messages in a partial index of its own. With one index for both, a backlog of
/// pushes (a push service down, 50,000 due) was read past by every claim of the SMS lane, inside
/// the write transaction bookings wait for: 0.1 ms a claim became 11 ms. Each row is still in one
/// of the two indexes, so a booking writes no more b-tree pages than before.
enum OutboxLanesMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            DROP INDEX outbox_due;
            CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state IN ('pending', 'failed') AND channel <> 'push';
            CREATE INDEX outbox_due_push ON outbox(next_attempt_at) WHERE state IN ('pending', 'failed') AND channel = 'push';
            """)
    }
}
