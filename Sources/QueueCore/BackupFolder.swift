import Foundation

/// The backup folder as a running server watches it: the newest backup, listed again only when the
/// folder changes (its modification time), so that `/api/healthz` stays a cheap request.
public final class BackupFolder: @unchecked Sendable {
    /// The folder `fcgi-app backup` writes to.
    public let directory: URL
    private let lock = NSLock()
    private var seen: (modified: timespec, latest: Backup?)?

    public init(directory: URL) {
        self.directory = directory
    }

    /// The newest finished backup, or nil when there is none (or no such folder).
    public func latest() -> Backup? {
        var stats = stat()
        guard stat(directory.path, &stats) == 0 else { return nil }
        lock.lock(); defer { lock.unlock() }
        if let seen, seen.modified.tv_sec == stats.st_mtim.tv_sec, seen.modified.tv_nsec == stats.st_mtim.tv_nsec {
            return seen.latest
        }
        let latest = BackupStore.latest(in: directory)
        seen = (stats.st_mtim, latest)
        return latest
    }
}
