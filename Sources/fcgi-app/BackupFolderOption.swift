import ArgumentParser
import Foundation

/// `--backup-dir`, shared by `backup` (where it writes) and `serve` (whose health reports the newest).
struct BackupFolderOption: ParsableArguments {
    @Option(name: .customLong("backup-dir"), help: "The folder of database backups (env: GUVNL_BACKUP_DIR).")
    var path: String = Environment.string("GUVNL_BACKUP_DIR") ?? Environment.defaultBackupFolder

    var url: URL { URL(fileURLWithPath: path) }
}
