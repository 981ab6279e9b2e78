import Foundation
import GRDB

/// A counter's planned day (pauses, closing time) and whether a clerk is really at it: what the
/// wait forecast needs beyond the counter's state. Tables from `CounterPlanMigration`.
public enum CounterPlan {
    /// A counter with no heartbeat or action for this long, and nobody at it, is unattended: it
    /// stops counting as capacity (the console beats every minute).
    public static let presenceSeconds: Double = 180

    /// Notes that a clerk is at a counter now (inside the caller's transaction).
    static func seen(_ db: Database, counter: Int64, staff: Int64, at now: Date) throws {
        try db.cachedStatement(sql: """
            INSERT INTO counter_presence (counter_id, staff_id, seen_at) VALUES (?, ?, ?)
            ON CONFLICT(counter_id, staff_id) DO UPDATE SET seen_at = max(seen_at, excluded.seen_at)
            """).execute(arguments: [counter, staff, now.milliseconds])
    }

    /// When any clerk was last seen at each of the office's counters, since `since`.
    static func presence(_ db: Database, office: String, since: Date) throws -> [Int64: Date] {
        var seen: [Int64: Date] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT p.counter_id, max(p.seen_at) FROM counter_presence p JOIN counter c ON c.id = p.counter_id
            WHERE c.office_code = ? AND p.seen_at >= ? GROUP BY p.counter_id
            """), arguments: [office, since.milliseconds]) {
            seen[row[0]] = Date(milliseconds: row[1])
        }
        return seen
    }

    /// Pauses as `group_concat` gives them: `"810-840,960-975"`.
    static func pauses(_ text: String?) -> [ClosedRange<Int>] {
        (text ?? "").split(separator: ",").compactMap { part in
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            return bounds.count == 2 && bounds[0] < bounds[1] ? bounds[0]...bounds[1] : nil
        }
    }

    /// Today's appointments booked and not yet checked in, by slot, without personal data.
    /// (With their service codes: the live picture numbers the services once all are known.)
    static func expectedAppointments(_ db: Database, office: String, day: String) throws
        -> [(candidate: QueueCandidate, number: String, service: String)] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT id, number, service_code, priority, slot_starts_at, created_at FROM token
            WHERE office_code = ? AND service_day = ? AND state = 'booked' AND slot_starts_at IS NOT NULL
            ORDER BY slot_starts_at, id
            """), arguments: [office, day]).map { row in
            (QueueCandidate(tokenID: row[0], priority: PriorityCategory(rawValue: row[3]) ?? .none, kind: .appointment,
                            queuedAt: Date(milliseconds: row[5]), slotStartsAt: row[4]),
             row[1], row[2])
        }
    }
}

extension Queue {
    /// The console's heartbeat: the clerk signed in at this counter is there. Nothing else changes
    /// (no event: presence is not part of the audit log).
    public func heartbeat(counter counterID: Int64, actor: Actor, at now: Date) throws {
        guard case .staff(let staff, _) = actor else { return }
        let office = try database.write { db -> String? in
            guard let office = try String.fetchOne(db.cachedStatement(sql: "SELECT office_code FROM counter WHERE id = ?"),
                                                   arguments: [counterID]) else { return nil }
            try CounterPlan.seen(db, counter: counterID, staff: staff, at: now)
            return office
        }
        guard let office else { throw QueueError.counterNotFound(counterID) }
        live.seen(counter: counterID, office: office, at: now)
    }

    /// The console at this counter was closed (or the clerk signed out or chose another counter): the
    /// counter is unattended from now, not three minutes later, unless another clerk is at it. Only
    /// this clerk's presence goes; an action there later marks them present again.
    public func leave(counter counterID: Int64, actor: Actor, at now: Date) throws {
        guard case .staff(let staff, _) = actor else { return }
        let left = try database.write { db -> (office: String, left: Bool, stillSeen: Date?)? in
            guard let office = try String.fetchOne(db.cachedStatement(sql: "SELECT office_code FROM counter WHERE id = ?"),
                                                   arguments: [counterID]) else { return nil }
            try db.cachedStatement(sql: "UPDATE counter_presence SET seen_at = 0 WHERE counter_id = ? AND staff_id = ?")
                .execute(arguments: [counterID, staff])
            let left = db.changesCount > 0
            // Whoever else is still at the counter keeps it staffed.
            let others = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(seen_at) FROM counter_presence WHERE counter_id = ?"),
                                            arguments: [counterID]) ?? 0
            return (office, left, others > 0 ? Date(milliseconds: others) : nil)
        }
        guard let left else { throw QueueError.counterNotFound(counterID) }
        if left.left { live.left(counter: counterID, office: left.office, stillSeen: left.stillSeen) }
    }
}
