import ArgumentParser
import Foundation
import QueueCore

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Take a verified copy of the database into the backup folder while the server keeps serving.",
        discussion: """
            The copy is one consistent moment of the database (SQLite's backup API), checked with \
            PRAGMA integrity_check and for the schema the database has (the current one for a running server), synced to disk and only then given its \
            name (guvnl-queue-<UTC time>.sqlite). Then all but the newest --keep backups are deleted. \
            On any failure it exits non-zero, leaves no partial file and keeps the earlier backups. \
            Everything written after the newest backup is lost if the disk is lost.
            """)

    @OptionGroup var database: DatabaseOption
    @OptionGroup var folder: BackupFolderOption

    @Option(help: "How many backups to keep, newest first (env: GUVNL_BACKUP_KEEP).")
    var keep: Int = Environment.int("GUVNL_BACKUP_KEEP") ?? 48

    func validate() throws {
        guard (1...10_000).contains(keep) else { throw ValidationError("--keep must be from 1 to 10000.") }
    }

    func run() throws {
        guard FileManager.default.fileExists(atPath: database.path) else {
            throw StartupError("There is no database at \(database.path) to back up.")
        }
        do {
            let appDatabase = try database.open()
            let backup = try BackupStore(directory: folder.url, keep: keep).take(from: appDatabase, at: Date())
            let size = (try? FileManager.default.attributesOfItem(atPath: backup.url.path)[.size] as? Int) ?? 0
            print("\(backup.url.path): \(size) bytes, integrity ok; keeping the newest \(keep).")
        } catch let error as BackupError {
            throw StartupError(error.description)
        }
    }
}
