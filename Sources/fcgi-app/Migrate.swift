import ArgumentParser
import QueueCore

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the database if needed and apply the pending schema migrations.",
        discussion: "Safe to run again: applied migrations are skipped. Run it before `serve` after every upgrade.")

    @OptionGroup var database: DatabaseOption

    @Flag(help: "Also create the demo staff accounts (README lists them; idempotent).")
    var demoStaff = false

    @Flag(help: "Also install the built-in fixture offices and services, for tests without a site (idempotent). Real offices and services come from `import-catalog`.")
    var fixtureOffices = false

    func run() throws {
        let appDatabase = try database.open()
        try appDatabase.migrate()
        if fixtureOffices { try DemoData.install(in: appDatabase) }
        if demoStaff { try DemoStaff.install(in: appDatabase) }
        let health = try appDatabase.health()
        print("\(database): schema \(health.schemaVersion) (\(health.appliedMigrations) migrations), \(health.officeCount) offices")
    }
}
