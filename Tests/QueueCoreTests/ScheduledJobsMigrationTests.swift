import Foundation
import GRDB
import Testing
@testable import QueueCore

@Suite("Migration v12 (scheduled jobs)")
struct ScheduledJobsMigrationTests {
    @Test func tokensAndEventsWrittenBeforeTheMigrationStayAndMayExpireAfterIt() throws {
        // Given a database at v11 holding a waiting and a cancelled token and their events, written as
        // v11 wrote them (today's booking code writes tables that later migrations add)
        let database = try AppDatabase.inMemory()
        try Schema.migrator.migrate(database.writer, upTo: "v11-counter-plan")
        try DemoData.install(in: database)
        let now = QueueFixture.mondayMorning
        let day = ServiceDay(now, timeZone: TimeZone(identifier: "Asia/Kolkata") ?? .current).day
        let (waitingID, cancelledID) = try database.writer.write { db -> (Int64, Int64) in
            var ids: [Int64] = []
            for (sequence, state) in [(1, "waiting"), (2, "cancelled")] {
                try db.execute(sql: """
                    INSERT INTO token (view_secret_hash, office_code, service_code, booked_service_code, service_day, sequence, number, kind,
                        state, priority, citizen_name, phone, language, queued_at, created_at, finished_at)
                    VALUES (?, 'VAD-247', 'bill-complaint', 'bill-complaint', ?, ?, ?, 'walk_in', ?, 'none',
                        ?, ?, 'gu', ?, ?, ?)
                    """, arguments: ["view-hash-of-token-\(sequence)-at-v11", day, sequence, "BC-00\(sequence)", state,
                                     "Citizen \(sequence)", "900000000\(sequence)", now.milliseconds, now.milliseconds,
                                     state == "cancelled" ? now.milliseconds : nil])
                let id = db.lastInsertedRowID
                ids.append(id)
                try db.execute(sql: "INSERT INTO event (office_code, token_id, kind, to_state, actor, at) VALUES ('VAD-247', ?, 'booked', 'waiting', 'citizen', ?)",
                               arguments: [id, now.milliseconds])
                if state == "cancelled" {
                    try db.execute(sql: "INSERT INTO event (office_code, token_id, kind, from_state, to_state, actor, at) VALUES ('VAD-247', ?, 'cancelled', 'waiting', 'cancelled', 'citizen', ?)",
                                   arguments: [id, now.milliseconds])
                }
            }
            return (ids[0], ids[1])
        }
        let snapshot = { try database.writer.read { db in
            (try Row.fetchAll(db, sql: "SELECT * FROM token ORDER BY id"), try Row.fetchAll(db, sql: "SELECT * FROM event ORDER BY id"))
        } }
        let (tokensBefore, eventsBefore) = try snapshot()

        // When v12 runs
        try Schema.migrator.migrate(database.writer, upTo: "v12-scheduled-jobs")

        // Then every token and event row is as it was, the indexes are back, and the keys hold
        let (tokensAfter, eventsAfter) = try snapshot()
        #expect(tokensAfter == tokensBefore && eventsAfter == eventsBefore)
        let indexes = try database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'token' AND sql IS NOT NULL")
        }
        #expect(indexes.contains("token_queue") && indexes.contains("token_by_phone") && indexes.contains("token_open_by_day"))
        #expect(try database.writer.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }.isEmpty)
        // And, with the later migrations too, the old waiting token can expire, while a state outside the list is still refused
        try database.migrate()
        let after = Queue(database: database)
        #expect(try after.endDay(office: "VAD-247", at: now.addingTimeInterval(86_400)).expired == 1)
        #expect(try after.token(waitingID)?.state == .expired && after.token(cancelledID)?.state == .cancelled)
        #expect(throws: DatabaseError.self) {
            try database.writer.write { db in try db.execute(sql: "UPDATE token SET state = 'lost' WHERE id = ?", arguments: [waitingID]) }
        }
    }

    @Test func theStateListIsExtendedByItsClosingPartOnly() throws {
        // Given a token table whose state list another migration has already extended (a `parked` state)
        let table = try #require(try { () -> String? in
            let database = try AppDatabase.inMemory()
            try Schema.migrator.migrate(database.writer, upTo: "v11-counter-plan")
            return try database.writer.read { db in try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'token'") }
        }())
        let parked = table.replacingOccurrences(of: "'called', 'serving'", with: "'called', 'parked', 'serving'")
        // When v12's replacement is applied to it, both additions are in the list
        let both = parked.replacingOccurrences(of: ScheduledJobsMigration.stateListEnd, with: ScheduledJobsMigration.stateListEndWithExpired)
        #expect(both.contains("'parked'") && both.contains("'no_show', 'cancelled', 'expired')"))
        #expect(parked.components(separatedBy: ScheduledJobsMigration.stateListEnd).count == 2)
    }
}
