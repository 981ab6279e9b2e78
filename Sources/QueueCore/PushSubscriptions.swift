import Foundation
import GRDB

/// The browsers that asked to be told about a token by Web Push. A subscription makes `push` one
/// of the token's channels (`token_channel`), so the outbox writes push rows for its later
/// triggers; the last one removed takes the channel away again.
public struct PushSubscriptions: Sendable {
    public let database: AppDatabase
    /// A few phones per token (the citizen's and a relative's); a further one replaces the oldest.
    public static let maximumPerToken = 5

    public init(database: AppDatabase) { self.database = database }

    /// Keeps the subscription for the token (the same endpoint again updates its keys); returns its id.
    @discardableResult
    public func subscribe(token tokenID: Int64, endpoint: String, p256dh: Data, auth: Data, at now: Date) throws -> Int64 {
        try database.write { db in
            try db.cachedStatement(sql: """
                INSERT INTO push_subscription (token_id, endpoint, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (token_id, endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth,
                    created_at = excluded.created_at
                """).execute(arguments: [tokenID, endpoint, p256dh, auth, now.milliseconds])
            try db.cachedStatement(sql: """
                DELETE FROM push_subscription WHERE token_id = ? AND id NOT IN
                    (SELECT id FROM push_subscription WHERE token_id = ? ORDER BY created_at DESC, id DESC LIMIT ?)
                """).execute(arguments: [tokenID, tokenID, Self.maximumPerToken])
            try db.cachedStatement(sql: "INSERT INTO token_channel (token_id, channel) VALUES (?, 'push') ON CONFLICT DO NOTHING")
                .execute(arguments: [tokenID])
            return try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM push_subscription WHERE token_id = ? AND endpoint = ?"),
                                     arguments: [tokenID, endpoint]) ?? 0
        }
    }

    /// Removes the token's subscription at `endpoint`; true if there was one.
    @discardableResult
    public func unsubscribe(token tokenID: Int64, endpoint: String) throws -> Bool {
        try database.write { db in
            try db.cachedStatement(sql: "DELETE FROM push_subscription WHERE token_id = ? AND endpoint = ?").execute(arguments: [tokenID, endpoint])
            let removed = db.changesCount > 0
            try Self.dropChannelIfUnused(db, token: tokenID)
            return removed
        }
    }

    /// Removes an endpoint the push service no longer knows (it answered 404 or 410), for every
    /// token that browser followed.
    public func remove(endpoint: String) throws {
        try database.write { db in
            let tokens = try Int64.fetchAll(db.cachedStatement(sql: "SELECT token_id FROM push_subscription WHERE endpoint = ?"),
                                            arguments: [endpoint])
            try db.cachedStatement(sql: "DELETE FROM push_subscription WHERE endpoint = ?").execute(arguments: [endpoint])
            for token in tokens { try Self.dropChannelIfUnused(db, token: token) }
        }
    }

    /// The token's subscriptions, newest first.
    public func subscriptions(of tokenID: Int64) throws -> [PushSubscription] {
        try database.writer.read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT id, token_id, endpoint, p256dh, auth FROM push_subscription WHERE token_id = ? ORDER BY created_at DESC, id DESC
                """), arguments: [tokenID]).map {
                PushSubscription(id: $0["id"], tokenID: $0["token_id"], endpoint: $0["endpoint"], p256dh: $0["p256dh"], auth: $0["auth"])
            }
        }
    }

    private static func dropChannelIfUnused(_ db: Database, token tokenID: Int64) throws {
        try db.cachedStatement(sql: """
            DELETE FROM token_channel WHERE token_id = ? AND channel = 'push'
                AND NOT EXISTS (SELECT 1 FROM push_subscription WHERE token_id = ?)
            """).execute(arguments: [tokenID, tokenID])
    }
}
