import Foundation
import GRDB
import Testing
@testable import QueueCore

@Suite("Migration v20 (token write indexes)")
struct TokenWriteIndexesMigrationTests {
    static let names = Schema.migrator.migrations
    static let now = QueueFixture.mondayMorning

    /// Every row of every table that names a token, in a stable order.
    static func tokenRows(_ database: AppDatabase) throws -> [String: [Row]] {
        try database.writer.read { db in
            var rows: [String: [Row]] = [:]
            for table in ["token", "event", "outbox", "token_view_grant", "token_feedback", "token_channel", "push_subscription",
                          "booking_request"] {
                rows[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2")
            }
            return rows
        }
    }

    @Test func everyTokenAndEverythingPointingAtItSurvivesTheRebuild() throws {
        // Given a database at the migration before this one, with tokens in every kind of state and
        // events, messages, channels, a view grant, feedback, a push subscription and an idempotent
        // booking pointing at them
        let mine = try #require(Self.names.firstIndex { $0.hasSuffix("-token-write-indexes") })
        let database = try AppDatabase.inMemory()
        try Schema.migrator.migrate(database.writer, upTo: Self.names[mine - 1])
        try DemoData.install(in: database)
        let before = Queue(database: database)
        let counter = try #require(try before.counterID(office: "VAD-247", number: 1))
        let clerk = Actor.staff(id: 1, username: "clerk")
        let secrets = (1...4).map { TokenSecrets(view: "view-secret-\($0)", manage: "manage-secret-\($0)") }
        let tokens = try (1...4).map { index in
            try before.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint", citizen: QueueFixture.citizen(index),
                                           secrets: secrets[index - 1]), at: Self.now.plus(minutes: Double(index)))
        }
        _ = try before.call(token: tokens[0].id, counter: counter, actor: clerk, at: Self.now.plus(minutes: 5))
        _ = try before.start(token: tokens[0].id, counter: counter, actor: clerk, at: Self.now.plus(minutes: 6))
        _ = try before.complete(token: tokens[0].id, counter: counter, actor: clerk, at: Self.now.plus(minutes: 9))
        try before.giveFeedback(token: tokens[0].id, rating: 5, comment: "Quick and kind", at: Self.now.plus(minutes: 10))
        _ = try before.cancel(token: tokens[1].id, actor: .citizen, at: Self.now.plus(minutes: 11))
        let granted = try before.grantView(of: tokens[2].id, at: Self.now.plus(minutes: 12))
        try database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO push_subscription (token_id, endpoint, p256dh, auth, created_at) VALUES (?, 'https://push.example/1', ?, ?, ?)
                """, arguments: [tokens[3].id, Data(repeating: 4, count: 65), Data(repeating: 1, count: 16), Self.now.milliseconds])
            try db.execute(sql: "INSERT INTO booking_request (key_hash, fingerprint, token_id, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [String(repeating: "a", count: 64), String(repeating: "b", count: 64), tokens[3].id, Self.now.milliseconds])
        }
        let rowsBefore = try Self.tokenRows(database)
        #expect(rowsBefore.values.allSatisfy { !$0.isEmpty })

        // When this migration runs
        try Schema.migrator.migrate(database.writer, upTo: Self.names[mine])

        // Then every row is as it was, ids included, and every key and constraint holds
        #expect(try Self.tokenRows(database) == rowsBefore)
        #expect(try database.writer.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }.isEmpty)
        #expect(try database.writer.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } == ["ok"])
        // And the citizens' links, the granted view and the staff actions work on the kept tokens,
        // while a second token with the same number is still refused
        try database.migrate()
        let after = Queue(database: database)
        #expect(try after.token(tokens[2].id, viewSecret: "view-secret-3")?.number == tokens[2].number)
        #expect(try after.token(tokens[2].id, viewSecret: granted)?.id == tokens[2].id)
        #expect(try after.token(tokens[3].id, viewSecret: "view-secret-3") == nil)
        let called = try after.callNext(counter: counter, actor: clerk, at: Self.now.plus(minutes: 13))
        #expect(called?.id == tokens[2].id)
        let next = try after.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint", citizen: QueueFixture.citizen(5)),
                                  at: Self.now.plus(minutes: 14))
        #expect(next.id == tokens[3].id + 1 && next.sequence == 5)
        #expect(throws: DatabaseError.self) {
            try database.writer.write { db in
                try db.execute(sql: """
                    INSERT INTO token (view_secret_hash, office_code, service_code, booked_service_code, service_day, sequence, number, kind,
                        state, language, queued_at, created_at)
                    SELECT 'another-view-secret-hash', office_code, service_code, booked_service_code, service_day, sequence, number, kind,
                        state, language, queued_at, created_at FROM token WHERE id = ?
                    """, arguments: [next.id])
            }
        }
    }

    @Test func twoTokensWithTheSameViewSecretEachReadOnlyThemselves() throws {
        // Given two bookings that happen to carry the same view secret (the digest is no longer a
        // unique key: reads go by id and compare the digest)
        let fixture = try QueueFixture()
        let same = TokenSecrets(view: "the-same-view-secret", manage: "manage-1")
        let first = try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint",
                                                          citizen: QueueFixture.citizen(1), secrets: same), at: Self.now)
        // When the second is booked
        let second = try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint", citizen: QueueFixture.citizen(2),
                                                           secrets: TokenSecrets(view: same.view, manage: "manage-2")), at: Self.now)
        // Then both are booked, each link reads its own token only, and a wrong secret reads neither
        #expect(first.id != second.id && first.viewSecretHash == second.viewSecretHash)
        #expect(try fixture.queue.token(first.id, viewSecret: same.view)?.citizen.name == "Citizen 1")
        #expect(try fixture.queue.token(second.id, viewSecret: same.view)?.citizen.name == "Citizen 2")
        #expect(try fixture.queue.token(first.id, viewSecret: "another-secret") == nil)
    }

    @Test func theBookingAndCounterStatementsSearchAnIndexNeverTheWholeTable() throws {
        // Given a migrated database whose every statement is recorded
        let database = try AppDatabase.inMemory()
        try database.migrate()
        try DemoData.install(in: database)
        let statements = Collected<String>()
        try database.writer.writeWithoutTransaction { db in
            db.trace { event in
                if case .statement(let statement) = event { statements.append(contentsOf: [statement.sql]) }
            }
        }
        let queue = Queue(database: database)
        let clerk = Actor.staff(id: 1, username: "clerk")
        let counter = try #require(try queue.counterID(office: "VAD-247", number: 1))

        // When citizens book walk-ins and an appointment, find their token (as the counter does by number too), check in and cancel,
        // a counter calls, starts and completes, and the day ends
        let walkIn = try queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint", citizen: QueueFixture.citizen(1)),
                                    at: Self.now)
        let other = try queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint", citizen: QueueFixture.citizen(2)),
                                   at: Self.now)
        let slot = try database.writer.read { db in
            try Int64.fetchOne(db, sql: """
                SELECT id FROM appointment_slot WHERE office_code = 'VAD-247' AND service_code = 'new-lt-connection' AND weekday = 1
                    AND starts_at = 840
                """)
        }
        _ = try queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "new-lt-connection", citizen: QueueFixture.citizen(3),
                                          appointment: (try #require(slot), "2026-11-30")), at: Self.now)
        _ = try queue.lookup(office: "VAD-247", number: walkIn.number, phone: "9000000001", at: Self.now)
        _ = try queue.todaysToken(office: "VAD-247", number: walkIn.number, at: Self.now)
        _ = try queue.checkIn(office: "VAD-247", phone: "9000000003", actor: .kiosk, at: Self.now)
        _ = try queue.cancel(token: other.id, actor: .citizen, at: Self.now.plus(minutes: 1))
        _ = try queue.callNext(counter: counter, actor: clerk, at: Self.now.plus(minutes: 2))
        _ = try queue.start(token: walkIn.id, counter: counter, actor: clerk, at: Self.now.plus(minutes: 3))
        _ = try queue.complete(token: walkIn.id, counter: counter, actor: clerk, at: Self.now.plus(minutes: 8))
        _ = try queue.endDay(office: "VAD-247", at: Self.now.plus(minutes: 24 * 60))

        // Then every statement that reads or changes the token table finds its rows through an index
        let reading = Set(statements.all.filter { $0.range(of: #"(FROM|JOIN|UPDATE) token\b"#, options: .regularExpression) != nil })
        var used: Set<String> = []
        let plans = try database.writer.read { db in
            try reading.map { sql in
                // The plan does not depend on the values: each parameter (our SQL has no literal "?") is bound to NULL.
                let nulls = StatementArguments(Array(repeating: DatabaseValue.null, count: sql.filter { $0 == "?" }.count))
                return (sql, try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)", arguments: nulls).map { $0["detail"] as String })
            }
        }
        for (sql, details) in plans {
            #expect(!details.contains { $0.range(of: #"^SCAN (token|t)( |$)"#, options: .regularExpression) != nil }, "\(sql): \(details)")
            for detail in details {
                if let range = detail.range(of: #"INDEX \w+"#, options: .regularExpression) { used.insert(String(detail[range].dropFirst(6))) }
            }
        }
        // And the booking's number, cap and mobile-number checks, the queue and the counter use the
        // indexes made for them
        #expect(reading.contains { $0.contains("max(sequence)") } && reading.contains { $0.contains("state = 'cancelled'") })
        #expect(used.isSuperset(of: ["token_queue", "token_cancelled", "token_by_phone", "token_by_number", "token_by_slot", "token_at_counter"]),
                "\(used.sorted())")
        #expect(used.contains { $0.hasPrefix("sqlite_autoindex_token_") })
    }
}
