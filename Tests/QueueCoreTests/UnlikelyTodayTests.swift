import Foundation
import GRDB
import Testing
@testable import QueueCore

/// "Unlikely to be reached today": derived from the live picture after the commits, as turn near is,
/// and written once per token however the forecast turns afterwards.
@Suite("Unlikely today: told once when the forecast stops reaching a token before closing")
struct UnlikelyTodayTests {
    let fixture: QueueFixture
    init() throws { fixture = try QueueFixture() }

    /// Monday 30 November 2026 in India; Surat Varachha (SRT-VRC) closes at 18:30.
    static func monday(_ hour: Int, _ minute: Double = 0) -> Date {
        (ISO8601DateFormatter().date(from: String(format: "2026-11-30T%02d:00:00+05:30", hour)) ?? Date()).plus(minutes: minute)
    }

    func told() throws -> [Int64] {
        try fixture.database.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT token_id FROM outbox WHERE trigger = 'unlikely_today' ORDER BY token_id")
        }
    }

    func unreached(at now: Date) throws -> [Int64] {
        try fixture.queue.live.positions(office: "SRT-VRC", at: now).1.filter { $0.value.reachedToday == false }.map(\.key).sorted()
    }

    @Test func theTokensTheOfficeWillNotReachAreToldOnceEvenWhenTheForecastTurnsBack() throws {
        // Given twelve citizens waiting at Surat half an hour before it closes, three counters open and a clerk at one
        let counter = try fixture.openCounter("SRT-VRC", 9, serving: ["bill-complaint"])
        let others = try [7, 8].map { try fixture.openCounter("SRT-VRC", $0, serving: ["bill-complaint"]) }
        let tokens = try (1...12).map { try fixture.walkIn(office: "SRT-VRC", citizen: $0, at: Self.monday(18, Double($0) / 10)) }
        try fixture.queue.heartbeat(counter: counter, actor: fixture.clerk, at: Self.monday(18, 2))
        let first = try unreached(at: Self.monday(18, 2))
        #expect(!first.isEmpty && first.count < tokens.count)
        // When the worker looks
        let firstLook = try fixture.queue.writeUnlikelyToday(offices: ["SRT-VRC"], at: Self.monday(18, 2))
        // Then exactly those the forecast does not reach before 18:30 (as their token pages say) are told
        #expect(firstLook == first)
        // And the message is in the citizen's language, on the channel they chose
        let message = try #require(try fixture.database.writer.read { db in
            try OutboxMessage.fetchOne(db, sql: "SELECT * FROM outbox WHERE trigger = 'unlikely_today' ORDER BY id LIMIT 1")
        })
        #expect(message.channel == .sms && message.trigger.templateKey(for: .sms) == "msg_sms_unlikely_today")
        // (saying that bill complaints take no appointments, so that it offers none: MessageTextTests)
        #expect(message.params["appointments"] == "no")
        // When clerks come to the two other counters, the forecast reaches some of them again; nobody new is told
        for other in others { try fixture.queue.heartbeat(counter: other, actor: fixture.clerk, at: Self.monday(18, 3)) }
        let reachedAgain = try unreached(at: Self.monday(18, 3))
        #expect(reachedAgain.count < first.count)
        #expect(try fixture.queue.writeUnlikelyToday(offices: ["SRT-VRC"], at: Self.monday(18, 3)) == [])
        // When those two go unattended again, the forecast turns back: those told are not told a second time
        try fixture.queue.heartbeat(counter: counter, actor: fixture.clerk, at: Self.monday(18, 7))
        let back = try unreached(at: Self.monday(18, 7))
        #expect(Set(back).isSuperset(of: reachedAgain))
        let second = try fixture.queue.writeUnlikelyToday(offices: ["SRT-VRC"], at: Self.monday(18, 7))
        #expect(Set(second).isDisjoint(with: first))
        #expect(try told() == Array(Set(first + second)).sorted())
    }

    @Test func aLookWhenEveryoneUnreachedWasAlreadyToldLeavesTheWriterAlone() throws {
        // Given twelve citizens at Surat half an hour before closing, a clerk at one counter, and a first look that told those not reached
        let counter = try fixture.openCounter("SRT-VRC", 9, serving: ["bill-complaint"])
        _ = try (1...12).map { try fixture.walkIn(office: "SRT-VRC", citizen: $0, at: Self.monday(18, Double($0) / 10)) }
        try fixture.queue.heartbeat(counter: counter, actor: fixture.clerk, at: Self.monday(18, 2))
        #expect(try !fixture.queue.writeUnlikelyToday(offices: ["SRT-VRC"], at: Self.monday(18, 2)).isEmpty)
        // When the worker looks again and nothing has changed
        let statements = Collected<String>()
        fixture.database.writer.writeWithoutTransaction { db in db.trace { statements.append(contentsOf: ["\($0)"]) } }
        let again = try fixture.queue.writeUnlikelyToday(offices: ["SRT-VRC"], at: Self.monday(18, 2.5))
        fixture.database.writer.writeWithoutTransaction { db in db.trace(options: [], nil) }
        // Then nobody is told twice, and not a statement ran on the writer's connection, which
        // bookings and calls wait for (a crowded office has thousands of such tokens at every look)
        #expect(again == [])
        #expect(statements.all == [])
    }
}
