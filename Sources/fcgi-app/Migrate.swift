import ArgumentParser
import QueueCore

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the database if needed and apply the pending schema migrations.",
        discussion: "Safe to run again: applied migrations are skipped. Run it before `serve` after every upgrade.")

    @Option(help: "The SQLite database file (env: GUVNL_DATABASE).")
    var database: String = Environment.string("GUVNL_DATABASE") ?? Environment.defaultDatabase

    @Flag(help: "Also install the demo offices and services (idempotent).")
    var demoData = false

    func run() throws {
        let appDatabase = try AppDatabase.open(path: database)
        try appDatabase.migrate()
        if demoData {
            try DemoData.install(in: appDatabase)
            try DemoStaff.install(in: appDatabase)
        }
        let health = try appDatabase.health()
        print("\(database): schema \(health.schemaVersion) (\(health.appliedMigrations) migrations), \(health.officeCount) offices")
    }
}
