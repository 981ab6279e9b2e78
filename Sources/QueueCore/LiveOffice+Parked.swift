import Foundation
import GRDB

/// The citizens a counter parked (sent to fetch a document, to be called back there): kept in the
/// live picture, so that a clerk's desk, which every key press answers with, reads nothing for them.
extension LiveOffice {
    static func loadParked(_ db: Database, office: String, day: String) throws -> [Int64: [CounterDesk.Parked]] {
        // With the reason and time of the token's newest park, in the order they were parked.
        let rows = try PositionalRows.fetchAll(db.cachedStatement(sql: """
            SELECT t.target_counter_id, t.id, t.number, t.service_code, e.reason, e.at, t.parked_until FROM token t
            LEFT JOIN event e ON e.id = (SELECT max(id) FROM event WHERE token_id = t.id AND kind = 'parked')
            WHERE t.office_code = ? AND t.service_day = ? AND t.state = 'parked' AND t.target_counter_id IS NOT NULL ORDER BY e.id
            """), arguments: [office, day]) { row in
            (counter: row.next() as Int64? ?? 0,
             parked: CounterDesk.Parked(tokenID: row.next() ?? 0, number: row.next() ?? "", service: row.next() ?? "",
                                        reason: row.next(), parkedAt: row.date(), until: row.date()))
        }
        var parked: [Int64: [CounterDesk.Parked]] = [:]
        for row in rows { parked[row.counter, default: []].append(row.parked) }
        return parked
    }

    /// A token of a change where it now is: parked by this change (with the event's reason and
    /// time), still parked as before, or no longer parked. False for a park whose reason the event
    /// does not carry (read back from the table, where the public form leaves it out).
    mutating func takeParked(_ token: Token, events: [QueueEvent]) -> Bool {
        let park = events.last { $0.tokenID == token.id && $0.eventKind == .parked }
        if let park, park.reason == nil { return false }
        for (counter, list) in parked where park != nil || token.state != .parked {
            if let index = list.firstIndex(where: { $0.tokenID == token.id }) {
                parked[counter]?.remove(at: index)
                if parked[counter]?.isEmpty == true { parked[counter] = nil }
            }
        }
        guard token.state == .parked, token.serviceDay == day, let counter = token.targetCounterID else { return true }
        if let park {
            parked[counter, default: []].append(CounterDesk.Parked(
                tokenID: token.id, number: token.number, service: token.serviceCode, reason: park.reason,
                parkedAt: Date(milliseconds: park.at.milliseconds), until: token.parkedUntil))
        }
        return true
    }
}
