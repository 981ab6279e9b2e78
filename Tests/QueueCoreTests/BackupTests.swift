import Foundation
import GRDB
import Testing
@testable import QueueCore

@Suite("Backups and restores")
struct BackupTests {
    static let noon = ISO8601DateFormatter().date(from: "2026-12-05T12:00:00Z") ?? Date()

    /// A fresh folder with a migrated database holding the demo offices.
    static func folder() throws -> (URL, AppDatabase) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backup-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let database = try AppDatabase.open(path: folder.appendingPathComponent("queue.sqlite").path)
        try database.migrate()
        try DemoData.install(in: database)
        return (folder, database)
    }

    static func officeCount(_ path: String) throws -> Int {
        try DatabaseQueue(path: path).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM office") ?? -1 }
    }

    @Test func aBackupIsAVerifiedCopyNamedByItsTimeAndFoundAsTheLatest() throws {
        // Given a database with offices
        let (folder, database) = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = BackupStore(directory: folder.appendingPathComponent("backups"), keep: 3)
        // When a backup is taken at noon
        let backup = try store.take(from: database, at: Self.noon)
        // Then it is named by that moment, holds the offices, passes its own check, and is the latest
        #expect(backup.url.lastPathComponent == "guvnl-queue-20261205T120000.000Z.sqlite")
        #expect(try Self.officeCount(backup.url.path) == (try database.health().officeCount))
        try BackupStore.verify(backup.url)
        #expect(BackupStore.latest(in: store.directory) == backup)
        // and nothing else (no temporary or journal file) is left in the folder
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory.path) == [backup.url.lastPathComponent])
    }

    @Test func aDatabaseAwaitingAnUpgradeIsBackedUpAsItIs() throws {
        // Given a database that has only the first migrations (an older release's)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("older-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try AppDatabase.open(path: folder.appendingPathComponent("queue.sqlite").path)
        try Schema.migrator.migrate(database.writer, upTo: "v2-queue")
        // When it is backed up before migrating
        let backup = try BackupStore(directory: folder.appendingPathComponent("backups"), keep: 2).take(from: database, at: Self.noon)
        // Then the copy has exactly its migrations, and a restore would accept it (migrate brings it up)
        let applied = try DatabaseQueue(path: backup.url.path).read { db in try Schema.migrator.appliedIdentifiers(db) }
        #expect(applied == ["v1-offices-and-services", "v2-queue"])
        try BackupStore.verify(backup.url, requireCurrent: false)
        #expect(throws: BackupError.self) { try BackupStore.verify(backup.url) }
    }

    @Test func onlyTheNewestBackupsAreKept() throws {
        let (folder, database) = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = BackupStore(directory: folder.appendingPathComponent("backups"), keep: 2)
        // When four backups are taken an hour apart
        let taken = try (0..<4).map { try store.take(from: database, at: Self.noon.addingTimeInterval(Double($0) * 3600)) }
        // Then the two newest remain
        #expect(BackupStore.all(in: store.directory) == Array(taken.suffix(2)))
        #expect(BackupStore.latest(in: store.directory)?.time == Self.noon.addingTimeInterval(3 * 3600))
    }

    @Test(arguments: ["2026-12-05T12:00:00.000Z", "2028-02-29T23:59:59.999Z", "1999-12-31T00:00:00.500Z", "2100-03-01T06:30:15.042Z"])
    func aBackupsNameGivesBackTheMomentItWasTaken(moment: String) throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let time = try #require(formatter.date(from: moment))
        #expect(Backup.time(fromName: Backup.fileName(for: time)) == time)
    }

    @Test(arguments: [".partial-guvnl-queue-20261205T120000.000Z.sqlite", "guvnl-queue-20261305T120000.000Z.sqlite",
                      "guvnl-queue-2026120xT120000.000Z.sqlite", "guvnl-queue-20261205T120000.000Z.sqlite-journal", "notes.txt"])
    func otherFilesInTheFolderAreNotBackups(name: String) {
        #expect(Backup.time(fromName: name) == nil)
    }

    @Test func theServersViewOfTheFolderSeesANewBackup() throws {
        let (folder, database) = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = BackupStore(directory: folder.appendingPathComponent("backups"), keep: 5)
        let watch = BackupFolder(directory: store.directory)
        #expect(watch.latest() == nil)
        let first = try store.take(from: database, at: Self.noon)
        #expect(watch.latest() == first)
        let second = try store.take(from: database, at: Self.noon.addingTimeInterval(1))
        #expect(watch.latest() == second)
    }

    @Test func aFolderWithoutBackupsHasNoLatest() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("no-backups-\(UUID().uuidString)")
        #expect(BackupStore.latest(in: folder) == nil)
    }

    @Test func aFailedBackupLeavesNoFileAndKeepsTheEarlierOnes() throws {
        // Given one good backup
        let (folder, database) = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = BackupStore(directory: folder.appendingPathComponent("backups"), keep: 1)
        let first = try store.take(from: database, at: Self.noon)
        // When the next backup fails midway (the source is closed once the copy's file exists)
        try database.writer.close()
        #expect(throws: BackupError.self) { try store.take(from: database, at: Self.noon.addingTimeInterval(60)) }
        // Then the first backup is still there and still the latest, and no partial file is left
        #expect(BackupStore.all(in: store.directory) == [first])
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory.path) == [first.url.lastPathComponent])
    }

    @Test func aDamagedFileFailsVerification() throws {
        let (folder, database) = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let backup = try BackupStore(directory: folder, keep: 5).take(from: database, at: Self.noon)
        // When bytes in the middle of the copy are overwritten
        let handle = try FileHandle(forWritingTo: backup.url)
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size / 2)
        try handle.write(contentsOf: Data(repeating: 0x5A, count: 8192))
        try handle.close()
        // Then it is refused
        #expect(throws: BackupError.self) { try BackupStore.verify(backup.url) }
        // and a file that is not a database at all is refused too
        let text = folder.appendingPathComponent("notes.sqlite")
        try Data("not a database".utf8).write(to: text)
        #expect(throws: BackupError.self) { try BackupStore.verify(text) }
    }

    @Test func restoreRefusesWhileTheDatabaseIsOpen() throws {
        let (folder, database) = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let backup = try BackupStore(directory: folder.appendingPathComponent("backups"), keep: 5).take(from: database, at: Self.noon)
        // When a restore is asked while this process has the database open (as a running server has)
        let restore = DatabaseRestore(databasePath: folder.appendingPathComponent("queue.sqlite").path)
        // Then it refuses, saying it is in use
        #expect(throws: BackupError.databaseInUse(restore.databasePath)) { try restore.restore(from: backup.url, at: Self.noon) }
        withExtendedLifetime(database) {}
    }

    @Test func restorePutsTheBackupBackAndKeepsTheReplacedDatabaseAside() throws {
        // Given a backup of a database with offices, and a closed database that lost them since
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("restore-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("queue.sqlite").path
        let backup: Backup
        do {
            let database = try AppDatabase.open(path: path)
            try database.migrate()
            try DemoData.install(in: database)
            backup = try BackupStore(directory: folder.appendingPathComponent("backups"), keep: 5).take(from: database, at: Self.noon)
            try database.writer.write { db in try db.execute(sql: "PRAGMA foreign_keys = OFF; DELETE FROM office_hours; DELETE FROM office_service; DELETE FROM office") }
            try database.writer.close()
        }
        #expect(try Self.officeCount(path) == 0)
        // When the backup is restored
        let outcome = try DatabaseRestore(databasePath: path).restore(from: backup.url, at: Self.noon.addingTimeInterval(3600))
        // Then the database has its offices again, and the emptied one is kept aside
        #expect(try Self.officeCount(path) > 0)
        let aside = try #require(outcome.replacedAside)
        #expect(aside.hasSuffix(".replaced-20261205T130000.000Z"))
        #expect(try Self.officeCount(aside) == 0)
        // and it opens as the server opens it
        #expect(try AppDatabase.open(path: path).health().isCurrent)
    }
}
