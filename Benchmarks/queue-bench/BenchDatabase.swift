import Foundation
import QueueCore

/// A fresh file-backed database with the demo offices, removed at the end.
struct BenchDatabase {
    let path: String
    let database: AppDatabase
    let queue: Queue

    /// In the system's temporary folder: on this machine the same disk as the project (not a tmpfs,
    /// which would make `synchronous = FULL` free).
    init(durability: AppDatabase.Durability = .full) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).sqlite").path
        database = try AppDatabase.open(path: path, durability: durability)
        try database.migrate()
        try DemoData.install(in: database)
        queue = Queue(database: database)
    }

    func execute(_ sql: String) throws {
        try database.writer.write { db in try db.execute(sql: sql) }
    }

    func remove() {
        for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
