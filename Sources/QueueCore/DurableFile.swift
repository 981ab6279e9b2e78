import Foundation

/// File steps that survive a power cut: a file's bytes on disk before it is renamed into place,
/// and the rename itself on disk (the folder synced), as backups and restores need.
enum DurableFile {
    /// Flushes a file's contents to disk.
    static func sync(_ file: URL) throws {
        let descriptor = open(file.path, O_RDONLY)
        guard descriptor >= 0 else { throw BackupError.io("open \(file.lastPathComponent)", errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw BackupError.io("fsync \(file.lastPathComponent)", errno: errno) }
    }

    /// Renames `source` to `destination` (replacing it) and flushes the folder, so the new name
    /// is on disk too.
    static func rename(_ source: URL, to destination: URL) throws {
        guard Foundation.rename(source.path, destination.path) == 0 else {
            throw BackupError.io("rename \(source.lastPathComponent)", errno: errno)
        }
        try syncFolder(of: destination)
    }

    static func syncFolder(of file: URL) throws {
        let descriptor = open(file.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { throw BackupError.io("open folder", errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw BackupError.io("fsync folder", errno: errno) }
    }

    /// Removes a database file and the journal files SQLite may have put beside it.
    static func removeDatabaseFiles(at file: URL) {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: file.path + suffix)
        }
    }
}
