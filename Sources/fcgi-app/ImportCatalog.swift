import ArgumentParser
import Foundation
import QueueCore

struct ImportCatalog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-catalog",
        abstract: "Load the service catalogue and office directory that sitegen wrote (catalog.json) into the database.",
        discussion: """
            Creates or updates discoms, services (with required documents), offices (hours, services and \
            daily caps, counters, appointment slots) in one transaction. Tokens and events are never touched. \
            Run it after every `sitegen build` that changed services or offices.
            """)

    @Argument(help: "The catalogue file.")
    var catalog: String = "public/catalog.json"

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: catalog))
        } catch {
            throw StartupError("Cannot read \(catalog): run `sitegen build` first.")
        }
        let parsed: Catalog
        do {
            parsed = try Catalog.decode(data)
        } catch {
            throw StartupError("\(catalog) is not a catalogue sitegen wrote: \(error)")
        }
        let appDatabase = try database.open()
        guard try appDatabase.health().isCurrent else {
            throw StartupError("The database \(database) needs migrating: run `fcgi-app migrate` first.")
        }
        do {
            let summary = try CatalogImport.apply(parsed, to: appDatabase)
            print("imported \(summary.services) services and \(summary.offices) offices (\(summary.counters) counters, \(summary.slots) appointment slots) into \(database)")
        } catch let error as CatalogError {
            throw StartupError(error.description)
        }
    }
}
