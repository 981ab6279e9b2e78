import ArgumentParser
import Foundation
import QueueCore

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup back as the database, with the server stopped.",
        discussion: """
            Refuses while a server, worker or other command has the database open (stop them first: \
            systemctl stop guvnl-queue-app guvnl-queue-worker). Checks the backup (integrity, a schema \
            this release knows), keeps the replaced database aside as <database>.replaced-<time> and \
            gives the restored file the replaced one's owner. Run `fcgi-app migrate` afterwards if the \
            backup came from an older release, then start the server again.
            """)

    @Argument(help: "The backup file (from `fcgi-app backup`).")
    var file: String

    @OptionGroup var database: DatabaseOption

    func run() throws {
        do {
            let outcome = try DatabaseRestore(databasePath: database.path).restore(from: URL(fileURLWithPath: file), at: Date())
            print("Restored \(file) as \(database.path).")
            if let aside = outcome.replacedAside { print("The replaced database is kept as \(aside).") }
            print("Next: fcgi-app migrate --database \(database.path), then start the server (systemctl start guvnl-queue-app).")
        } catch let error as BackupError {
            throw StartupError(error.description)
        }
    }
}
