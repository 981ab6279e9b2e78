import GRDB

/// Migration v18 (issue 12, transfers keep their place fairly): per office in `queue_policy`, where a
/// citizen sent on to another service or counter waits there (`QueuePolicy.transferPlacement`).
/// The default is the rule offices had before it: the citizen keeps their first queueing time.
enum TransferPlacementMigration {
    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE queue_policy ADD COLUMN transfer_placement TEXT NOT NULL DEFAULT 'original_time'
                CHECK (transfer_placement IN ('original_time', 'front', 'now'))
            """)
    }
}
