import FastCGI
import Foundation
import Logging
import QueueCore
import Testing
@testable import QueueWeb

/// What `/api/healthz` tells an operator beyond "can serve": the newest backup and its age.
@Suite("Health reports the last backup")
struct HealthReportTests {
    static let now = ISO8601DateFormatter().date(from: "2026-12-05T12:00:00Z") ?? Date()

    static func health(backupsTakenAt times: [Date]?) throws -> (Int, [String: Any]) {
        let database = try AppDatabase.inMemory()
        try database.migrate()
        var services = AppServices(database: database, now: { now })
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("health-backups-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        if let times {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for time in times { try Data().write(to: folder.appendingPathComponent(Backup.fileName(for: time))) }
            // A backup still being written never counts
            try Data().write(to: folder.appendingPathComponent(".partial-" + Backup.fileName(for: now)))
            services.backups = BackupFolder(directory: folder)
        }
        let response = try WebApplication(services: services, logger: Logger(label: "test")).respond(to: Request(method: "GET", path: "/api/healthz"))
        return (response.status, try #require(JSONSerialization.jsonObject(with: Data(response.bodyBytes)) as? [String: Any]))
    }

    @Test func aRecentBackupIsReportedWithItsAge() throws {
        // Given backups taken 3 hours and 1 hour ago
        let (status, body) = try Self.health(backupsTakenAt: [Self.now.addingTimeInterval(-3 * 3600), Self.now.addingTimeInterval(-3600)])
        // Then health is 200 with the newest one's time and age, and no warning
        #expect(status == 200)
        let last = try #require(body["last_backup"] as? [String: Any])
        #expect(last["time"] as? String == "2026-12-05T11:00:00Z")
        #expect(last["age_seconds"] as? Int == 3600)
        #expect(body["warnings"] as? [String] == [])
    }

    @Test func anOldBackupIsAWarningNotAnOutage() throws {
        let (status, body) = try Self.health(backupsTakenAt: [Self.now.addingTimeInterval(-30 * 3600)])
        #expect(status == 200)
        #expect(body["status"] as? String == "ok")
        #expect(body["warnings"] as? [String] == ["backup_old"])
    }

    @Test func noBackupAtAllIsAWarningAndNoLastBackup() throws {
        let (status, body) = try Self.health(backupsTakenAt: [])
        #expect(status == 200)
        #expect(body["last_backup"] == nil)
        #expect(body["warnings"] as? [String] == ["backup_missing"])
    }
}
