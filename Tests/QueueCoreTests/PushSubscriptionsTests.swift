import Foundation
import GRDB
import Testing
@testable import QueueCore

/// Web Push subscriptions: a subscription makes push one of the token's channels; a dead endpoint
/// or erasure takes it away.
@Suite("Push subscriptions")
struct PushSubscriptionsTests {
    static let now = RetentionTests.day(0)
    static let key = Data([4] + [UInt8](repeating: 1, count: 64))

    static func channels(_ fixture: QueueFixture, _ token: Int64) throws -> [String] {
        try fixture.database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT channel FROM token_channel WHERE token_id = ? ORDER BY channel", arguments: [token])
        }
    }

    @Test func aSubscriptionAddsPushToTheTokensChannelsAndTheNextMessageIsPushedToo() throws {
        // Given a walk-in who chose SMS
        let fixture = try QueueFixture()
        let counter = try fixture.openCounter("VAD-247", 9, serving: ["bill-complaint"])
        let token = try fixture.walkIn(at: Self.now)
        let store = PushSubscriptions(database: fixture.database)
        // When this phone subscribes, and the token is then called
        try store.subscribe(token: token.id, endpoint: "https://push.example/a", p256dh: Self.key, auth: Data(count: 16), at: Self.now)
        _ = try fixture.queue.call(token: token.id, counter: counter, actor: fixture.clerk, at: Self.now.plus(minutes: 1))
        // Then push is a channel of the token, and the call is written for SMS and push
        #expect(try Self.channels(fixture, token.id).contains("push"))
        let called = try fixture.database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT channel FROM outbox WHERE token_id = ? AND trigger = 'called' ORDER BY channel", arguments: [token.id])
        }
        #expect(called == ["push", "sms"])
    }

    @Test func aSixthPhoneReplacesTheOldestAndADeadEndpointTakesPushAway() throws {
        let fixture = try QueueFixture()
        let token = try fixture.walkIn(at: Self.now)
        let store = PushSubscriptions(database: fixture.database)
        // Given six subscriptions, a minute apart
        for index in 0..<6 {
            try store.subscribe(token: token.id, endpoint: "https://push.example/\(index)", p256dh: Self.key, auth: Data(count: 16),
                                at: Self.now.plus(minutes: Double(index)))
        }
        // Then the five newest are kept
        #expect(try store.subscriptions(of: token.id).map(\.endpoint) == (1...5).reversed().map { "https://push.example/\($0)" })
        // When the push service says each is gone (and the phone turns the last one off)
        for index in 1...4 { try store.remove(endpoint: "https://push.example/\(index)") }
        #expect(try Self.channels(fixture, token.id).contains("push"))
        #expect(try store.unsubscribe(token: token.id, endpoint: "https://push.example/5"))
        // Then nothing is left, and push is no longer one of the token's channels
        #expect(try store.subscriptions(of: token.id).isEmpty)
        #expect(try !Self.channels(fixture, token.id).contains("push"))
    }

    @Test func retentionErasesTheSubscriptionsOfOldTokens() throws {
        let fixture = try QueueFixture()
        let token = try fixture.walkIn(at: Self.now)
        try PushSubscriptions(database: fixture.database)
            .subscribe(token: token.id, endpoint: "https://push.example/old", p256dh: Self.key, auth: Data(count: 16), at: Self.now)
        _ = try PersonalDataErasure.erase(fixture.database.writer, tokensBefore: "2026-12-01", eventsBefore: Self.now)
        #expect(try PushSubscriptions(database: fixture.database).subscriptions(of: token.id).isEmpty)
    }

    @Test func aSubscriptionIsCheckedFieldByField() {
        let key = PushKeys.isPoint(Self.key) ? "" : "not-a-point"
        #expect(key == "not-a-point")  // the all-ones key is shaped right but is not on P-256
        #expect(throws: PushSubscription.Invalid.self) {
            try PushSubscription.validated(endpoint: "http://push.example/a", p256dh: nil, auth: nil)
        }
        #expect(throws: PushSubscription.Invalid(field: "keys.p256dh", reason: "p256dh must be a 65-byte uncompressed P-256 public key.")) {
            try PushSubscription.validated(endpoint: "https://fcm.googleapis.com/fcm/send/a", p256dh: Self.key.base64URL, auth: Data(count: 16).base64URL)
        }
    }
}
