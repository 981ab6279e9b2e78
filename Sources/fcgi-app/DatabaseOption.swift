import ArgumentParser
import QueueCore

/// `--database`, shared by every command that opens the queue's database.
struct DatabaseOption: ParsableArguments, CustomStringConvertible {
    @Option(name: .customLong("database"), help: "The SQLite database file (env: GUVNL_DATABASE).")
    var path: String = Environment.string("GUVNL_DATABASE") ?? Environment.defaultDatabase

    @Option(help: """
        full: every commit is on disk before it is acknowledged (a booking survives a power cut); \
        normal: faster, but the last commits before a power cut may be lost. (env: GUVNL_SYNCHRONOUS)
        """)
    var synchronous: String = Environment.string("GUVNL_SYNCHRONOUS") ?? "full"

    func validate() throws {
        guard AppDatabase.Durability(rawValue: synchronous) != nil else {
            throw ValidationError("--synchronous must be full or normal.")
        }
    }

    func open() throws -> AppDatabase {
        try AppDatabase.open(path: path, durability: AppDatabase.Durability(rawValue: synchronous) ?? .full)
    }

    var description: String { path }
}
