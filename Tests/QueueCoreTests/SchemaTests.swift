import GRDB
import Testing
@testable import QueueCore

@Suite("Schema and demo data")
struct SchemaTests {
    static func migrated() throws -> AppDatabase {
        let database = try AppDatabase.inMemory()
        try database.migrate()
        return database
    }

    @Test func aFreshDatabaseMigratesToTheCurrentSchema() throws {
        // Given a new database, when it is migrated
        let database = try Self.migrated()
        // Then its health reports the newest migration and nothing pending
        let health = try database.health()
        #expect(health.isCurrent)
        #expect(health.schemaVersion == Schema.migrator.migrations.last)
        #expect(health.appliedMigrations == Schema.migrator.migrations.count)
        #expect(health.officeCount == 0)
    }

    @Test func anUnmigratedDatabaseReportsWhatIsPending() throws {
        let health = try AppDatabase.inMemory().health()
        #expect(!health.isCurrent)
        #expect(health.pendingMigrations == Schema.migrator.migrations)
        #expect(Array(health.pendingMigrations.prefix(11)) == ["v1-offices-and-services", "v2-queue", "v3-staff-sessions", "v4-service-fees", "v5-kiosks", "v6-catalog-plan", "v7-staff-notes", "v8-token-capabilities", "v9-sign-in-attempts", "v10-booking-requests", "v11-counter-plan"])
        #expect(health.schemaVersion == "none")
    }

    @Test func demoDataHasFourDiscomsAndAnOfficeOpenAroundTheClock() throws {
        let database = try Self.migrated()
        try DemoData.install(in: database)
        try database.writer.read { db in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM discom") == 4)
            #expect(try Int.fetchOne(db, sql: "SELECT count(DISTINCT discom_code) FROM office") == 4)
            let allDay = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM office_hours WHERE office_code = 'VAD-247' AND opens_at = 0 AND closes_at = 1440
                """)
            #expect(allDay == 7)
            // Every offered service exists, with a daily cap.
            let orphans = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM office_service os LEFT JOIN service s ON s.code = os.service_code WHERE s.code IS NULL
                """)
            #expect(orphans == 0)
        }
    }

    @Test func installingDemoDataTwiceChangesNothing() throws {
        let database = try Self.migrated()
        try DemoData.install(in: database)
        let counts = { try database.writer.read { db in
            try ["discom", "office", "office_hours", "service", "office_service"].map {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? -1
            }
        } }
        let first = try counts()
        try DemoData.install(in: database)
        #expect(try counts() == first)
    }

    @Test(arguments: [
        ("INSERT INTO service VALUES ('bad code', 'NC2', 'x', 'x', 'x', 10, 0)", "code with a space"),
        ("INSERT INTO service VALUES ('ok-code', 'nc', 'x', 'x', 'x', 10, 0)", "lower-case prefix"),
        ("INSERT INTO service VALUES ('ok-code', 'ABCD', 'x', 'x', 'x', 10, 0)", "prefix over 3 letters"),
        ("INSERT INTO service VALUES ('ok-code', 'ZZ', 'x', 'x', 'x', 0, 0)", "zero typical minutes"),
        ("INSERT INTO office (code, discom_code, name_en, name_gu, name_hi) VALUES ('X1', 'NOPE', 'a', 'b', 'c')", "unknown discom"),
        ("INSERT INTO office_hours VALUES ('VAD-247', 8, 0, 60)", "weekday 8"),
        ("INSERT INTO office_hours VALUES ('VAD-247', 1, 600, 500)", "closing before opening"),
        ("INSERT INTO office_service VALUES ('VAD-247', 'no-such-service', 10)", "unknown service"),
    ])
    func sqliteRejectsRowsThatBreakTheInvariants(sql: String, why: String) throws {
        let database = try Self.migrated()
        try DemoData.install(in: database)
        #expect(throws: DatabaseError.self, "\(why)") {
            try database.writer.write { db in try db.execute(sql: sql) }
        }
    }

    @Test func aDatabaseFileOpensInWALMode() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gq-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let database = try AppDatabase.open(path: path)
        try database.migrate()
        let mode = try database.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }
}

import Foundation

@Suite("Migrations v5 (kiosk walk-ins) and v8 (token capabilities)")
struct KioskMigrationTests {
    @Test func tokensBookedBeforeTheMigrationsKeepEverythingAfterThem() throws {
        // Given a database at v4 with a token booked then (written as v4 wrote it) and its event
        let database = try AppDatabase.inMemory()
        try Schema.migrator.migrate(database.writer, upTo: "v4-service-fees")
        try DemoData.install(in: database)
        let now = QueueFixture.mondayMorning
        let oldSecret = "secret-given-out-at-v4"
        try database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO token (secret, office_code, service_code, booked_service_code, service_day, sequence, number, kind,
                    state, priority, citizen_name, phone, language, queued_at, created_at)
                VALUES (?, 'VAD-247', 'bill-complaint', 'bill-complaint', '2026-11-30', 1, 'BC-001', 'walk_in', 'waiting', 'none',
                    'Citizen 7', '9000000007', 'gu', ?, ?)
                """, arguments: [oldSecret, now.milliseconds, now.milliseconds])
            try db.execute(sql: "INSERT INTO event (office_code, token_id, kind, to_state, actor, at) VALUES ('VAD-247', 1, 'booked', 'waiting', 'citizen', ?)",
                           arguments: [now.milliseconds])
        }
        let queue = Queue(database: database)
        // When every later migration runs
        try database.migrate()
        // Then the token, its number, citizen and events are unchanged, and its unique number still holds
        let after = try #require(try queue.token(1))
        #expect(after.number == "BC-001" && after.citizen == CitizenDetails(name: "Citizen 7", phone: "9000000007"))
        #expect(try queue.events(office: "VAD-247", after: 0).count == 1)
        let next = try queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint",
                                                 citizen: QueueFixture.citizen(8)), at: now)
        #expect(next.sequence == 2)
        // And the link given out before still shows the token, with its secret kept only as a digest,
        // while cancelling it is left to the counter (nobody holds a manage secret for it)
        #expect(try queue.token(1, viewSecret: oldSecret)?.number == "BC-001")
        #expect(after.viewSecretHash != oldSecret && after.viewSecretHash.count == 64 && after.manageSecretHash == nil)
        #expect(try queue.token(1, viewSecret: "secret-given-out-at-v5") == nil)
        let indexes = try database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'token' AND sql IS NOT NULL")
        }
        #expect(indexes.contains("token_queue") && indexes.contains("token_by_phone"))
        #expect(try database.writer.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }.isEmpty)
    }

    @Test func onlyAnEnrolledKioskOfTheOfficeBooksAnonymousWalkIns() throws {
        let fixture = try QueueFixture()
        let kiosks = KioskDevices(database: fixture.database)
        let device = try kiosks.enrol(office: "VAD-247", label: "Hall", by: .system, at: QueueFixture.mondayMorning)
        let anonymous = CitizenDetails(name: "", phone: "")
        let request = { (actor: Actor, office: String) in
            BookingRequest(officeCode: office, serviceCode: "bill-complaint", citizen: anonymous, actor: actor)
        }
        let token = try fixture.queue.book(request(.enrolledKiosk(id: device.id), "VAD-247"), at: QueueFixture.mondayMorning)
        #expect(token.citizen.name.isEmpty && token.citizen.phone.isEmpty)
        #expect(throws: QueueError.self) { try fixture.queue.book(request(.citizen, "VAD-247"), at: QueueFixture.mondayMorning) }
        #expect(throws: QueueError.kioskNotEnrolled) {
            try fixture.queue.book(request(.enrolledKiosk(id: device.id), "SRT-VRC"), at: QueueFixture.mondayMorning)
        }
        try kiosks.revoke(device.id, by: .system, at: QueueFixture.mondayMorning)
        #expect(throws: QueueError.kioskNotEnrolled) {
            try fixture.queue.book(request(.enrolledKiosk(id: device.id), "VAD-247"), at: QueueFixture.mondayMorning)
        }
    }
}
