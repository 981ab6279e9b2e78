import Foundation

/// Puts a backup back in place of the database, with nothing else using it: the copy is verified
/// first, written beside the database under a temporary name, given the replaced file's owner and
/// mode, and swapped in by a rename; the replaced database (with its WAL) is kept aside, never deleted.
public struct DatabaseRestore: Sendable {
    /// Where the database lives (the file `serve` opens).
    public let databasePath: String

    public init(databasePath: String) {
        self.databasePath = databasePath
    }

    /// What a restore did.
    public struct Outcome: Sendable, Equatable {
        /// Where the database it replaced now lies, or nil when there was none.
        public let replacedAside: String?
    }

    /// Restores `backup` over the database. Throws, changing nothing, when the backup fails its
    /// checks or when a server, worker or command has the database open.
    public func restore(from backup: URL, at now: Date) throws -> Outcome {
        // Older schemas are allowed: `fcgi-app migrate` brings them up to date, as after an upgrade.
        try BackupStore.verify(backup, requireCurrent: false)
        let database = URL(fileURLWithPath: databasePath)
        try FileManager.default.createDirectory(at: database.deletingLastPathComponent(), withIntermediateDirectories: true)
        let lock = try DatabaseLock.exclusive(forDatabase: databasePath)
        defer { withExtendedLifetime(lock) {} }

        let incoming = database.deletingLastPathComponent().appendingPathComponent(".restoring-\(database.lastPathComponent)")
        DurableFile.removeDatabaseFiles(at: incoming)
        do {
            try FileManager.default.copyItem(at: backup, to: incoming)
            try takeOwnership(of: incoming, from: database)
            try DurableFile.sync(incoming)
        } catch {
            DurableFile.removeDatabaseFiles(at: incoming)
            throw BackupError(error, writing: incoming.path)
        }

        var aside: String?
        if FileManager.default.fileExists(atPath: databasePath) {
            let stamp = Backup.fileName(for: now).dropFirst(BackupStore.prefix.count).dropLast(BackupStore.suffix.count)
            let asidePath = "\(databasePath).replaced-\(stamp)"
            // The WAL keeps its commits only beside its own database file, so it moves with it.
            for suffix in ["-wal", ""] where FileManager.default.fileExists(atPath: databasePath + suffix) {
                try DurableFile.rename(URL(fileURLWithPath: databasePath + suffix), to: URL(fileURLWithPath: asidePath + suffix))
            }
            try? FileManager.default.removeItem(atPath: databasePath + "-shm")
            aside = asidePath
        }
        try DurableFile.rename(incoming, to: database)
        return Outcome(replacedAside: aside)
    }

    /// The restored file belongs to whoever owned the database (or its folder), so the service's
    /// user can still write it when root restores.
    private func takeOwnership(of file: URL, from database: URL) throws {
        let model = FileManager.default.fileExists(atPath: database.path) ? database.path : database.deletingLastPathComponent().path
        var stats = stat()
        guard stat(model, &stats) == 0 else { return }
        if geteuid() == 0 { _ = chown(file.path, stats.st_uid, stats.st_gid) }
        let mode = model == database.path ? stats.st_mode & 0o666 : 0o640
        _ = chmod(file.path, mode)
    }
}
