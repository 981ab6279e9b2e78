import Foundation
import GRDB
import Testing
@testable import QueueCore

@Suite("Migration: presence per clerk")
struct PresencePerClerkMigrationTests {
    @Test func aPresenceNotedBeforeTheMigrationStaysAndAColleagueIsNotedBesideIt() throws {
        // Given a database at the migration before this one, with a clerk (7) noted at VAD-247's counter 1
        let names = Schema.migrator.migrations
        let mine = try #require(names.firstIndex { $0.hasSuffix("-presence-per-clerk") })
        let database = try AppDatabase.inMemory()
        try Schema.migrator.migrate(database.writer, upTo: names[mine - 1])
        try DemoData.install(in: database)
        let now = QueueFixture.mondayMorning
        let counter = try database.writer.write { db -> Int64 in
            let id = try Int64.fetchOne(db, sql: "SELECT id FROM counter WHERE office_code = 'VAD-247' AND number = 1") ?? -1
            try db.execute(sql: "INSERT INTO counter_presence (counter_id, staff_id, seen_at) VALUES (?, 7, ?)", arguments: [id, now.milliseconds])
            return id
        }
        // When the migration runs
        try Schema.migrator.migrate(database.writer, upTo: names[mine])
        // Then the clerk's presence is as it was, and the keys hold
        let presence = { try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT counter_id, staff_id, seen_at FROM counter_presence ORDER BY staff_id")
                .map { [$0["counter_id"], $0["staff_id"], $0["seen_at"]] as [Int64] }
        } }
        #expect(try presence() == [[counter, 7, now.milliseconds]])
        #expect(try database.writer.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }.isEmpty)
        // And, with every migration, a colleague's heartbeat is noted beside it, and clerk 7 leaving
        // leaves the counter staffed by the colleague
        try database.migrate()
        let queue = Queue(database: database)
        try queue.heartbeat(counter: counter, actor: .staff(id: 8, username: "colleague"), at: now.plus(minutes: 1))
        #expect(try presence() == [[counter, 7, now.milliseconds], [counter, 8, now.plus(minutes: 1).milliseconds]])
        try queue.leave(counter: counter, actor: .staff(id: 7, username: "clerk"), at: now.plus(minutes: 1.5))
        let office = try queue.live.office("VAD-247", at: now.plus(minutes: 2))
        #expect(office.counters.first { $0.id == counter }?.isOpen == true)
        #expect(!office.unattendedCounters(at: now.plus(minutes: 2)).contains { $0.id == counter })
    }
}
