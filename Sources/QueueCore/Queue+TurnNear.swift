import Foundation
import GRDB

extension Queue {
    /// Writes "your turn is near" for the waiting tokens of `offices` that have at most the office's
    /// threshold of people before them (its setting, or `threshold` for every office when given), by
    /// the office's live picture. Derived after the commits that moved the queue (DESIGN, decision
    /// 5), so it never slows a booking or a call; the outbox's unique (token, trigger, channel) key
    /// makes it once per token however often it is looked at. Returns the tokens newly told.
    @discardableResult
    public func writeTurnsNear(threshold: Int? = nil, offices: some Sequence<String>, at now: Date) throws -> [Int64] {
        var near: [(id: Int64, ahead: Int)] = []
        for office in offices {
            let limit = try threshold ?? database.writer.read { db in try OfficeMessaging.load(db, office: office).turnNearAhead }
            let (_, positions) = try live.positions(office: office, at: now)
            near += positions.filter { $0.value.ahead <= limit }.map { ($0.key, $0.value.ahead) }
        }
        guard !near.isEmpty else { return [] }
        return try database.writer.write { db in
            var told: [Int64] = []
            for (id, ahead) in near.sorted(by: { $0.id < $1.id }) {
                let already = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM outbox WHERE token_id = ? AND trigger = 'turn_near')"),
                                                arguments: [id]) ?? false
                guard !already, let token = try Token.fetch(db, id: id), token.state == .waiting else { continue }
                if try Outbox.enqueue(db, .turnNear, token: token, extra: ["ahead": String(ahead)], at: now) > 0 { told.append(id) }
            }
            return told
        }
    }

    /// Every office's code: where a watcher starts before it follows changes.
    public func officeCodes() throws -> [String] {
        try database.writer.read { db in try String.fetchAll(db, sql: "SELECT code FROM office ORDER BY code") }
    }
}
