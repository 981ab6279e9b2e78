import Foundation
import GRDB
import Testing
@testable import QueueCore

@Suite("Migration v22 (CHECK lists as comparisons)")
struct CheckListsMigrationTests {
    static let now = QueueFixture.mondayMorning

    @Test func eachRewrittenCheckHasTheTruthOfItsListForEveryValueAndNull() throws {
        // Given every list of three or more constants in the tables' definitions before v22
        let database = try AppDatabase.inMemory()
        try Schema.migrator.migrate(database.writer, upTo: "v21-settings-generation")
        let lists = try database.writer.read { db in
            try CheckListsMigration.tables.flatMap { table in
                let sql = try #require(try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE name = ?", arguments: [table]))
                return try #require(try? NSRegularExpression(pattern: #"\b[a-z_]+ (NOT )?IN \([^()]*\)"#))
                    .matches(in: sql, range: NSRange(sql.startIndex..., in: sql)).compactMap { Range($0.range, in: sql).map { String(sql[$0]) } }
            }
        }
        #expect(lists.count >= 8)
        // Then each rewritten test gives the list's answer for each listed value, an unlisted one and NULL
        try database.writer.read { db in
            for list in lists where list.filter({ $0 == "," }).count >= 2 {
                let column = String(list.prefix { $0 != " " })
                let values = list.split(separator: "'").enumerated().filter { $0.offset % 2 == 1 }.map { "'\($0.element)'" } + ["'other'", "NULL"]
                let rewritten = CheckListsMigration.comparisons(in: list)
                #expect(!rewritten.contains(" IN ("), "\(rewritten)")
                for value in values {
                    let original = try DatabaseValue.fetchOne(db, sql: "SELECT \(list) FROM (SELECT \(value) AS \(column))")
                    let comparison = try DatabaseValue.fetchOne(db, sql: "SELECT \(rewritten) FROM (SELECT \(value) AS \(column))")
                    #expect(original == comparison, "\(list) for \(value)")
                }
            }
        }
    }

    @Test func aValueOutsideTheListIsStillRefused() throws {
        // Given a migrated database with a booked token and its confirmation
        let fixture = try QueueFixture()
        let token = try fixture.walkIn()
        // Then a state, priority, language, trigger, channel or delivery state outside the lists is refused
        for sql in [
            "UPDATE token SET state = 'lost' WHERE id = ?", "UPDATE token SET priority = 'vip' WHERE id = ?",
            "UPDATE token SET language = 'fr' WHERE id = ?", "UPDATE outbox SET trigger = 'bogus' WHERE token_id = ?",
            "UPDATE outbox SET channel = 'fax' WHERE token_id = ?", "UPDATE outbox SET state = 'lost' WHERE token_id = ?",
            "UPDATE outbox SET language = 'fr' WHERE token_id = ?", "INSERT INTO token_channel (token_id, channel) VALUES (?, 'fax')",
        ] {
            #expect(throws: DatabaseError.self, "\(sql)") { try fixture.execute(sql, [token.id]) }
        }
        // And the table-wide rule over several columns still holds: a waiting token must have queued
        #expect(throws: DatabaseError.self) { try fixture.execute("UPDATE token SET queued_at = NULL WHERE id = ?", [token.id]) }
        #expect(try fixture.database.writer.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } == ["ok"])
    }

    @Test func noStatementOfABookingOrACounterBuildsATemporaryTree() throws {
        // Given a migrated database whose every statement is recorded
        let fixture = try QueueFixture()
        let statements = Collected<String>()
        try fixture.database.writer.writeWithoutTransaction { db in
            db.trace { event in if case .statement(let statement) = event { statements.append(contentsOf: [statement.sql]) } }
        }
        // When a citizen books with a mobile number and an e-mail address, and a counter calls, starts and completes
        var citizen = QueueFixture.citizen(1)
        citizen.email = "asha@example.com"
        let token = try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint", citizen: citizen), at: Self.now)
        let counter = try fixture.counterID("VAD-247", 1)
        // (the office's picture loaded, as the server's readers keep it, so call next takes its head from it)
        _ = try fixture.queue.live.office("VAD-247", at: Self.now.plus(minutes: 1))
        _ = try fixture.queue.callNext(counter: counter, actor: fixture.clerk, at: Self.now.plus(minutes: 1))
        _ = try fixture.queue.start(token: token.id, counter: counter, actor: fixture.clerk, at: Self.now.plus(minutes: 2))
        _ = try fixture.queue.complete(token: token.id, counter: counter, actor: fixture.clerk, at: Self.now.plus(minutes: 7))
        // Then none of their statements opens a temporary b-tree (an IN list SQLite builds each run)
        let run = Set(statements.all.filter { !$0.hasPrefix("PRAGMA") && !$0.hasPrefix("SAVEPOINT") && !$0.hasPrefix("RELEASE") })
        #expect(run.contains { $0.hasPrefix("INSERT INTO token ") } && run.contains { $0.hasPrefix("INSERT INTO outbox") })
        // (explained on the writer, where they run: a read-only connection compiles no CHECK for a write)
        try fixture.database.writer.writeWithoutTransaction { db in
            for sql in run where !["BEGIN", "COMMIT"].contains(where: sql.hasPrefix) {
                let nulls = StatementArguments(Array(repeating: DatabaseValue.null, count: sql.filter { $0 == "?" }.count))
                let opcodes = try Row.fetchAll(db, sql: "EXPLAIN \(sql)", arguments: nulls).map { $0["opcode"] as String }
                #expect(!opcodes.contains("OpenEphemeral"), "\(sql)")
            }
        }
    }
}
