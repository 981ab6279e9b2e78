import Foundation
import GRDB

/// The queue's SQLite database: one writer, concurrent readers (WAL), and the schema migrations.
public struct AppDatabase: Sendable {
    /// The connections; readers never block the writer.
    public let writer: any DatabaseWriter

    /// Opens (creating if needed) the database file at `path` in WAL mode.
    public static func open(path: String) throws -> AppDatabase {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // Two writers (fcgi-app and a command such as `migrate`) wait for each other instead of failing.
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return AppDatabase(writer: try DatabasePool(path: path, configuration: configuration))
    }

    /// An in-memory database, for tests.
    public static func inMemory() throws -> AppDatabase {
        AppDatabase(writer: try DatabaseQueue(configuration: Configuration()))
    }

    public init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Applies the migrations not yet applied.
    public func migrate() throws {
        try Schema.migrator.migrate(writer)
    }

    /// What the database says about itself, for `/api/healthz`.
    public func health() throws -> DatabaseHealth {
        try writer.read { db in
            let applied = try Schema.migrator.appliedIdentifiers(db)
            let known = Schema.migrator.migrations
            let offices = try db.tableExists("office") ? Int.fetchOne(db, sql: "SELECT count(*) FROM office") ?? 0 : 0
            return DatabaseHealth(
                schemaVersion: known.last { applied.contains($0) } ?? "none",
                appliedMigrations: applied.count,
                pendingMigrations: known.filter { !applied.contains($0) },
                officeCount: offices)
        }
    }
}
