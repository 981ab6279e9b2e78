import ArgumentParser
import QueueCore

/// `--database`, shared by every command that opens the queue's database.
struct DatabaseOption: ParsableArguments, CustomStringConvertible {
    @Option(name: .customLong("database"), help: "The SQLite database file (env: GUVNL_DATABASE).")
    var path: String = Environment.string("GUVNL_DATABASE") ?? Environment.defaultDatabase

    func open() throws -> AppDatabase { try AppDatabase.open(path: path) }

    var description: String { path }
}
