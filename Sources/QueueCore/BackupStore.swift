import Foundation
import GRDB

/// The folder of verified database backups: `fcgi-app backup` adds to it, `/api/healthz` and the
/// metrics read the newest one's time, `fcgi-app restore` checks a copy before putting it back.
///
/// A backup is one self-contained SQLite file named by the moment it was taken
/// (`guvnl-queue-20261205T163000.123Z.sqlite`, UTC), so the newest is found from the names alone,
/// whatever a later copy does to the files' modification times.
public struct BackupStore: Sendable {
    /// The folder holding the backups.
    public let directory: URL
    /// How many backups are kept; older ones are deleted after a new one is verified.
    public let keep: Int

    static let prefix = "guvnl-queue-"
    static let suffix = ".sqlite"
    /// A backup is reported old after a day and two hours: the timer takes one every hour.
    public static let staleAfter: TimeInterval = 26 * 3600

    public init(directory: URL, keep: Int) {
        self.directory = directory
        self.keep = max(1, keep)
    }

    /// The newest backup in `directory`, or nil when there is none (or the folder cannot be read).
    public static func latest(in directory: URL) -> Backup? {
        all(in: directory).last
    }

    /// Every finished backup in `directory`, oldest first. Unfinished (temporary) files never count.
    public static func all(in directory: URL) -> [Backup] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name in Backup.time(fromName: name).map { Backup(url: directory.appendingPathComponent(name), time: $0) } }
            .sorted { $0.time < $1.time }
    }

    /// Takes a consistent copy of `database` while it keeps serving (SQLite's backup API inside one
    /// read transaction), verifies it, and only then gives it its final name and prunes the oldest.
    /// On any failure nothing half-written is left behind and the earlier backups are untouched.
    public func take(from database: AppDatabase, at now: Date) throws -> Backup {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw BackupError.folderUnusable(directory.path, reason: error.localizedDescription)
        }
        let backup = Backup(url: directory.appendingPathComponent(Backup.fileName(for: now)), time: now)
        guard !FileManager.default.fileExists(atPath: backup.url.path) else { throw BackupError.alreadyExists(backup.url.path) }
        let partial = directory.appendingPathComponent(".partial-\(backup.url.lastPathComponent)")
        do {
            // The copy must hold the schema the database has: the current one for a running server,
            // an older one for the backup taken before an upgrade migrates.
            let applied = try database.writer.read { db in try Schema.migrator.appliedIdentifiers(db) }
            try copy(database, to: partial)
            let copied = try Self.verify(partial, requireCurrent: false)
            guard copied == applied else { throw BackupError.schemaNotCurrent(partial.path, pending: applied.subtracting(copied).sorted()) }
            try DurableFile.sync(partial)
            try DurableFile.rename(partial, to: backup.url)
        } catch {
            DurableFile.removeDatabaseFiles(at: partial)
            throw BackupError(error, writing: partial.path)
        }
        prune()
        return backup
    }

    private func copy(_ database: AppDatabase, to partial: URL) throws {
        DurableFile.removeDatabaseFiles(at: partial)
        let destination = try DatabaseQueue(path: partial.path)
        database.writeWait.willWait()
        try database.writer.backup(to: destination)
        // One file on its own: a restore or an inspection needs no -wal beside it.
        try destination.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
        try destination.close()
        // It holds names and mobile numbers: readable by the service's user and group only.
        chmod(partial.path, 0o640)
    }

    /// Checks a backup file: SQLite's integrity check passes and its schema is one this build knows
    /// (every migration it applied is known; none pending unless `requireCurrent` is false).
    @discardableResult
    public static func verify(_ file: URL, requireCurrent: Bool = true) throws -> Set<String> {
        guard FileManager.default.fileExists(atPath: file.path) else { throw BackupError.missing(file.path) }
        var configuration = Configuration()
        configuration.readonly = true
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: file.path, configuration: configuration)
        } catch {
            throw BackupError.notADatabase(file.path)
        }
        defer { try? queue.close() }
        let (problems, applied) = try queue.read { db -> ([String], Set<String>) in
            let rows: [String]
            do {
                rows = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            } catch {
                throw BackupError.notADatabase(file.path)
            }
            return (rows, try Schema.migrator.appliedIdentifiers(db))
        }
        guard problems == ["ok"] else { throw BackupError.damaged(file.path, problems: Array(problems.prefix(5))) }
        let known = Schema.migrator.migrations
        let unknown = applied.subtracting(known).sorted()
        guard unknown.isEmpty else { throw BackupError.newerSchema(file.path, unknown: unknown) }
        let pending = known.filter { !applied.contains($0) }
        if requireCurrent, !pending.isEmpty { throw BackupError.schemaNotCurrent(file.path, pending: pending) }
        return applied
    }

    /// Deletes all but the newest `keep` backups. A file that cannot be deleted stays for the next run.
    private func prune() {
        for old in Self.all(in: directory).dropLast(keep) {
            try? FileManager.default.removeItem(at: old.url)
        }
    }
}

/// One finished backup file and the moment it was taken.
public struct Backup: Sendable, Equatable {
    public let url: URL
    public let time: Date

    /// Its age at `now`, in seconds.
    public func age(at now: Date) -> TimeInterval { now.timeIntervalSince(time) }

    /// The file name of a backup taken at `time` (`guvnl-queue-20261205T163000.123Z.sqlite`).
    public static func fileName(for time: Date) -> String {
        BackupStore.prefix + Self.formatter.string(from: time).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "") + BackupStore.suffix
    }

    /// The moment in a backup's name, or nil for any other file (a partial copy, a stray file).
    /// Read by hand rather than by a date formatter: health reads every name in the folder.
    static func time(fromName name: String) -> Date? {
        guard name.hasPrefix(BackupStore.prefix), name.hasSuffix(BackupStore.suffix) else { return nil }
        // 20261205T163000.123Z
        let stamp = Array(name.utf8.dropFirst(BackupStore.prefix.utf8.count).dropLast(BackupStore.suffix.utf8.count))
        guard stamp.count == 20, stamp[8] == UInt8(ascii: "T"), stamp[15] == UInt8(ascii: "."), stamp[19] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in stamp[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), let hour = number(9..<11),
              let minute = number(11..<13), let second = number(13..<15), let millisecond = number(16..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        let seconds = daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(seconds) + Double(millisecond) / 1000)
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static var formatter: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter
    }
}
