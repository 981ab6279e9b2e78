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
        try writeDerivedMessages(turnNear: true, unlikelyToday: false, threshold: threshold, offices: offices, at: now).near
    }

    /// Writes "unlikely to be reached today" for the waiting tokens of `offices` that the office's
    /// forecast no longer reaches before it closes (the token page says the same). Once per token:
    /// a forecast that turns back and forth tells nobody twice.
    @discardableResult
    public func writeUnlikelyToday(offices: some Sequence<String>, at now: Date) throws -> [Int64] {
        try writeDerivedMessages(turnNear: false, unlikelyToday: true, offices: offices, at: now).unlikely
    }

    /// Both messages derived from the live picture ("turn near", "unlikely today"; see the two
    /// above) from one pass over each office's positions. The tokens newly told each.
    @discardableResult
    public func writeDerivedMessages(turnNear: Bool = true, unlikelyToday: Bool = true, threshold: Int? = nil,
                                     offices: some Sequence<String>, at now: Date) throws -> (near: [Int64], unlikely: [Int64]) {
        var near: [(id: Int64, ahead: Int)] = [], unreached: [Int64] = []
        for office in offices {
            let (_, positions) = try live.positions(office: office, at: now)
            if turnNear {
                let limit = try threshold ?? database.writer.read { db in try OfficeMessaging.load(db, office: office).turnNearAhead }
                near += positions.filter { $0.value.ahead <= limit }.map { ($0.key, $0.value.ahead) }
            }
            if unlikelyToday { unreached += positions.filter { $0.value.reachedToday == false }.map(\.key) }
        }
        return (try tellOnce(.turnNear, near.map { ($0.id, ["ahead": String($0.ahead)]) }, at: now),
                try tellOnce(.unlikelyToday, unreached.map { ($0, [:]) }, at: now))
    }

    /// The trigger's message to each token still waiting that has never had it; the tokens told.
    /// Most candidates were told on an earlier look (a crowded office's "unlikely today" covers
    /// thousands of tokens at every look), so they are found in one read, and the new ones are
    /// written a batch at a time: bookings and calls wait for the write lock only that long.
    private func tellOnce(_ trigger: MessageTrigger, _ tokens: [(id: Int64, extra: [String: String])], at now: Date) throws -> [Int64] {
        guard !tokens.isEmpty else { return [] }
        let ids = String(decoding: try JSONEncoder().encode(tokens.map(\.id)), as: UTF8.self)
        let toldBefore = Set(try database.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT token_id FROM outbox WHERE trigger = ? AND token_id IN (SELECT value FROM json_each(?))",
                               arguments: [trigger.rawValue, ids])
        })
        let fresh = tokens.filter { !toldBefore.contains($0.id) }.sorted { $0.id < $1.id }
        var told: [Int64] = []
        for start in stride(from: 0, to: fresh.count, by: Self.tellBatch) {
            told += try database.write { db in
                var written: [Int64] = []
                for (id, extra) in fresh[start..<min(start + Self.tellBatch, fresh.count)] {
                    // Checked again inside the write: another worker may have told it since the read.
                    let already = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM outbox WHERE token_id = ? AND trigger = ?)"),
                                                    arguments: [id, trigger.rawValue]) ?? false
                    guard !already, let token = try Token.fetch(db, id: id), token.state == .waiting else { continue }
                    var extra = extra
                    // "Unlikely today" offers an appointment on another day only where the service has them.
                    if trigger == .unlikelyToday, try !Self.takesAppointments(db, token) {
                        extra["appointments"] = "no"
                    }
                    if try Outbox.enqueue(db, trigger, token: token, extra: extra, at: now) > 0 { written.append(id) }
                }
                return written
            }
        }
        return told
    }

    /// Whether the token's office still offers its service by appointment (a service since taken off
    /// the office offers none).
    private static func takesAppointments(_ db: Database, _ token: Token) throws -> Bool {
        do {
            return try OfferedService.load(db, office: token.officeCode, service: token.serviceCode).takesAppointments
        } catch QueueError.serviceNotOffered {
            return false
        }
    }

    /// How many tokens one write tells at most.
    static let tellBatch = 100

    /// Every office's code: where a watcher starts before it follows changes.
    public func officeCodes() throws -> [String] {
        try database.writer.read { db in try String.fetchAll(db, sql: "SELECT code FROM office ORDER BY code") }
    }
}
