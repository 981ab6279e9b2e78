import Foundation
import GRDB
import Testing
@testable import QueueCore

/// The worker's commits leave the WAL to fcgi-app and the scheduled job: a checkpoint run after a
/// worker's commit, while fcgi-app kept committing, never reached the log's end, so the log was never
/// started again and every later commit of either process checkpointed and synced the database file.
@Suite("Whose commits checkpoint the write-ahead log")
struct WorkerCheckpointTests {
    /// Frames in the log after `commits` one-page commits through `database`.
    static func framesAfterCommits(_ database: AppDatabase, commits: Int) throws -> Int {
        try database.writer.write { db in try db.execute(sql: "CREATE TABLE note (text BLOB NOT NULL)") }
        for _ in 0..<commits {
            try database.writer.write { db in try db.execute(sql: "INSERT INTO note (text) VALUES (zeroblob(3000))") }
        }
        return try database.writer.writeWithoutTransaction { db in
            try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")?[1] as Int? ?? -1
        }
    }

    static func database(checkpointsOnCommit: Bool) throws -> (AppDatabase, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString)")
        let database = try AppDatabase.open(path: folder.appendingPathComponent("queue.sqlite").path, durability: .normal,
                                            checkpointsOnCommit: checkpointsOnCommit)
        return (database, folder)
    }

    @Test func theWorkersCommitsNeverCheckpointTheLog() throws {
        // Given a connection opened as the worker opens it
        let (worker, folder) = try Self.database(checkpointsOnCommit: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        // When it commits 1,500 pages, one a commit
        let frames = try Self.framesAfterCommits(worker, commits: 1500)
        // Then the log holds every one of them: none of its commits checkpointed and started the log again
        #expect(frames >= 1500)
    }

    @Test func fcgiAppsCommitsStillCheckpointTheLog() throws {
        // Given a connection opened as fcgi-app opens it
        let (server, folder) = try Self.database(checkpointsOnCommit: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // When it commits the same 1,500 pages
        let frames = try Self.framesAfterCommits(server, commits: 1500)
        // Then its commits checkpointed at SQLite's 1,000 pages and the log began again from its start
        #expect(frames < 1000)
    }
}
