import Foundation
import GRDB

/// The queue's SQLite database: one writer, concurrent readers (WAL), and the schema migrations.
public struct AppDatabase: Sendable {
    /// The connections; readers never block the writer.
    public let writer: any DatabaseWriter
    /// The database file, or nil in memory.
    public let path: String?
    /// Storage problems met by this process's writes, for `/api/healthz`.
    public let storageAlarm = StorageAlarm()
    /// Sign-ins checked lately (see `StaffAccounts.user`).
    let sessionChecks = SessionChecks()
    /// What a thread does before it waits to write (see `write`).
    public let writeWait = WriteWait()
    /// Held (shared) while this process has the database open, so that a restore waits for it.
    private var lock: DatabaseLock?
    /// Below this much free space on the database's disk, health reports the disk full: a booking
    /// must not be the write that fills it.
    public static let minimumFreeBytes: Int64 = 32 << 20

    /// How hard a commit tries to survive a power cut.
    public enum Durability: String, Sendable, CaseIterable {
        /// `synchronous = FULL`: a commit is on disk before it returns, so an acknowledged booking
        /// survives a power cut. The default (README, "Durability", has its cost).
        case full
        /// `synchronous = NORMAL`: in WAL mode the last commits before a power cut may be lost
        /// (never corrupted). Faster; for benchmarks and throwaway databases.
        case normal

        var pragmaValue: String { self == .full ? "FULL" : "NORMAL" }
    }

    /// Opens (creating if needed) the database file at `path` in WAL mode. With `checkpointsOnCommit`
    /// false, this process's commits never checkpoint the WAL (`wal_autocheckpoint = 0`): for the
    /// worker, whose commits fall between fcgi-app's. A checkpoint after one of them ran while
    /// fcgi-app kept committing, so it never caught up with the log's end, the log was never started
    /// again from its beginning, and from then on every commit of either process checkpointed and
    /// synced the database file. fcgi-app's single writer checkpoints after its own commits (nothing
    /// of its own commits during that), and the scheduled job truncates the log every ten minutes.
    public static func open(path: String, durability: Durability = .full, busyRetry: BusyRetry = .standard,
                            checkpointsOnCommit: Bool = true) throws -> AppDatabase {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let lock = try DatabaseLock.shared(forDatabase: path)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // Two writers (fcgi-app and the worker, or a command such as `migrate`) wait for each other
        // instead of failing, in short sleeps (BusyRetry says why not SQLite's busy timeout).
        configuration.busyMode = busyRetry.mode
        configuration.prepareDatabase { db in
            // Erased personal data is overwritten, not left in free space (DPDP erasure; README, "Erasure"
            // has its cost). Debian's SQLite has it on by default; other builds do not.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // A savepoint's journal and sorts stay in memory: on disk, SQLite made, wrote and
            // deleted a temporary file for nearly every booking (its savepoint journal outgrew 64 KiB).
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            if !checkpointsOnCommit { try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        // Set on the writer once the pool is open: opening a pool in WAL mode sets `synchronous =
        // NORMAL` on the writer after `prepareDatabase` has run, so setting it there had no effect.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(durability.pragmaValue)") }
        var database = AppDatabase(writer: pool, path: path)
        database.lock = lock
        return database
    }

    /// The writer's `synchronous` setting as SQLite reports it (2 is FULL, 1 NORMAL).
    public func synchronousLevel() throws -> Int {
        try writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Runs `updates` in a transaction of the one writer, once `writeWait` has been told that this
    /// thread waits: the writer may be busy with a group of bookings, and the commit waits for the
    /// disk. Every write on a request's path goes through here (or through the queue's group commit).
    public func write<T>(_ updates: (Database) throws -> T) throws -> T {
        writeWait.willWait()
        return try writer.write(updates)
    }

    /// An in-memory database, for tests.
    public static func inMemory() throws -> AppDatabase {
        AppDatabase(writer: try DatabaseQueue(configuration: Configuration()))
    }

    public init(writer: any DatabaseWriter, path: String? = nil) {
        self.writer = writer
        self.path = path
    }

    /// Applies the migrations not yet applied.
    public func migrate() throws {
        try Schema.migrator.migrate(writer)
    }

    /// What the database says about itself, for `/api/healthz`: its schema, and whether it can
    /// take writes (free space, the file writable, no write failing for want of space lately).
    public func health(at now: Date = Date()) throws -> DatabaseHealth {
        var health = try writer.read { db in
            let applied = try Schema.migrator.appliedIdentifiers(db)
            let known = Schema.migrator.migrations
            let offices = try db.tableExists("office") ? Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM office")) ?? 0 : 0
            return DatabaseHealth(
                schemaVersion: known.last { applied.contains($0) } ?? "none",
                appliedMigrations: applied.count,
                pendingMigrations: known.filter { !applied.contains($0) },
                officeCount: offices)
        }
        if let path {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            var stats = statvfs()
            if statvfs(folder, &stats) == 0 {
                health.freeBytes = Int64(stats.f_bavail) * Int64(stats.f_frsize)
                health.totalBytes = Int64(stats.f_blocks) * Int64(stats.f_frsize)
            }
            if access(path, W_OK) != 0 || access(folder, W_OK) != 0 { health.storageProblem = .unwritable }
        }
        if health.storageProblem == nil, let free = health.freeBytes, free < Self.minimumFreeBytes { health.storageProblem = .full }
        if health.storageProblem == nil { health.storageProblem = storageAlarm.recent(at: now) }
        return health
    }
}
