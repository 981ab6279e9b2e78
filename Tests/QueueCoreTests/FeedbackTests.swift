import Foundation
import Testing
@testable import QueueCore

/// A citizen rates a served visit once; managers read the ratings by service and by clerk.
@Suite("Feedback after service")
struct FeedbackTests {
    static let now = QueueFixture.mondayMorning
    static let day = "2026-11-30"

    /// A walk-in served at Vadodara's counter 1 by the fixture's clerk (a real account here).
    static func served(_ fixture: QueueFixture) throws -> Token {
        try fixture.execute("""
            INSERT OR IGNORE INTO staff_user (id, username, display_name, password_hash, role, office_code, created_at)
            VALUES (1, 'clerk', 'Clerk One', 'x', 'counter_staff', 'VAD-247', 0)
            """)
        let counter = try fixture.counterID("VAD-247", 1)
        try fixture.execute("UPDATE counter SET state = 'open' WHERE id = ?", [counter])
        let token = try fixture.walkIn()
        _ = try fixture.queue.callNext(counter: counter, actor: fixture.clerk, at: now.plus(minutes: 1))
        _ = try fixture.queue.start(token: token.id, counter: counter, actor: fixture.clerk, at: now.plus(minutes: 2))
        return try fixture.queue.complete(token: token.id, counter: counter, actor: fixture.clerk, at: now.plus(minutes: 5))
    }

    @Test func aServedVisitIsRatedOnceAndCountsForItsServiceAndClerk() throws {
        // Given a token served by a clerk
        let fixture = try QueueFixture()
        let token = try Self.served(fixture)
        #expect(token.state == .served)
        // When the citizen rates it 4 with a comment
        try fixture.queue.giveFeedback(token: token.id, rating: 4, comment: "Quick and polite", at: Self.now.plus(minutes: 6))
        // Then it counts once, for its service and for the clerk who completed it
        let report = try fixture.queue.feedbackReport(office: "VAD-247", from: Self.day, to: Self.day)
        #expect(report.count == 1 && report.mean == 4)
        #expect(report.byService == [FeedbackReport.Group(name: token.serviceCode, count: 1, mean: 4)])
        #expect(report.byClerk == [FeedbackReport.Group(name: "Clerk One", count: 1, mean: 4)])
        #expect(report.comments.map(\.comment) == ["Quick and polite"])
        #expect(try fixture.queue.feedbackGiven(token: token.id))
        // And a second rating is refused, changing nothing
        #expect(throws: QueueError.feedbackClosed) {
            try fixture.queue.giveFeedback(token: token.id, rating: 1, comment: nil, at: Self.now.plus(minutes: 7))
        }
        #expect(try fixture.queue.feedbackReport(office: "VAD-247", from: Self.day, to: Self.day).mean == 4)
    }

    @Test func aVisitNotYetServedOrABadRatingIsRefused() throws {
        let fixture = try QueueFixture()
        let waiting = try fixture.walkIn(office: "SRT-VRC", citizen: 1)
        #expect(throws: QueueError.feedbackClosed) { try fixture.queue.giveFeedback(token: waiting.id, rating: 5, comment: nil, at: Self.now) }
        let served = try Self.served(fixture)
        #expect(throws: QueueError.invalidField(field: "rating", reason: "rating must be 1 to 5.")) {
            try fixture.queue.giveFeedback(token: served.id, rating: 6, comment: nil, at: Self.now.plus(minutes: 6))
        }
        #expect(try !fixture.queue.feedbackGiven(token: served.id))
    }
}
