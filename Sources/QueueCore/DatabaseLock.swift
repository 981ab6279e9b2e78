import Foundation

/// An advisory lock on a lock file beside the database (`<database>.lock`): every process that opens
/// the database holds it shared; `fcgi-app restore` needs it alone, so it never swaps the file under
/// a running server or worker, and nothing opens the database while a restore is under way.
///
/// A file of its own, never the database itself: closing any descriptor of the database file would
/// drop the POSIX locks SQLite holds on it.
public final class DatabaseLock: @unchecked Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    static func path(forDatabase database: String) -> String { database + ".lock" }

    /// The shared hold of a process that uses the database; nil when the lock file cannot be made
    /// (a read-only folder), which health reports anyway. Throws when a restore holds the database.
    static func shared(forDatabase database: String) throws -> DatabaseLock? {
        guard let lock = open(forDatabase: database) else { return nil }
        guard flock(lock.descriptor, LOCK_SH | LOCK_NB) == 0 else { throw BackupError.restoreUnderWay(database) }
        return lock
    }

    /// The sole hold a restore needs; throws when a server, worker or command has the database open.
    static func exclusive(forDatabase database: String) throws -> DatabaseLock {
        guard let lock = open(forDatabase: database) else {
            throw BackupError.io("open \(path(forDatabase: database))", errno: errno)
        }
        guard flock(lock.descriptor, LOCK_EX | LOCK_NB) == 0 else { throw BackupError.databaseInUse(database) }
        return lock
    }

    private static func open(forDatabase database: String) -> DatabaseLock? {
        // Read-only suffices for flock, so a lock file root made still serves the service's user.
        let descriptor = Foundation.open(path(forDatabase: database), O_RDONLY | O_CREAT | O_CLOEXEC, 0o644)
        return descriptor >= 0 ? DatabaseLock(descriptor: descriptor) : nil
    }
}
