import Foundation
import GRDB

/// The manager's view of an office now: the public snapshot plus what only staff see: who works
/// at each counter (whoever last acted there today) and each service's longest current wait.
public struct OfficeNow: Sendable, Encodable, Equatable {
    public struct CounterNow: Sendable, Encodable, Equatable {
        public var number: Int
        public var state: String
        public var pauseReason: String?
        /// While paused: since when, and whether the break has run past the office's limit.
        public var pausedAt: Date?
        /// How long it has been paused, in each language (filled in by the web layer).
        public var pausedForText: LocalizedName? = nil
        public var overBreakLimit: Bool
        public var token: String?
        public var tokenState: String?
        public var staff: String?
        /// Open with nobody at it: it does not count in the forecast.
        public var unattended: Bool
    }

    public struct ServiceNow: Sendable, Encodable, Equatable {
        public var code: String
        public var waiting: Int
        public var longestWaitMinutes: Double?
        public var estimatedWaitMinutes: Double?
        /// Both in each language, as citizens read waits (filled in by the web layer).
        public var longestWaitText: LocalizedName? = nil
        public var waitText: LocalizedName? = nil
    }

    public var office: String
    public var day: String
    public var isOpenNow: Bool
    public var counters: [CounterNow]
    public var services: [ServiceNow]
    /// The forecast against the targets, and what would help (see `OfficeOutlook`).
    public var outlook: OfficeOutlook
}

extension Queue {
    public func officeNow(office code: String, at now: Date) throws -> OfficeNow {
        try officeNow(office: code, snapshot: try snapshot(office: code, at: now), at: now)
    }

    /// The same, on the office's public snapshot already read (the dashboard words its waits too).
    public func officeNow(office code: String, snapshot: OfficeSnapshot, at now: Date) throws -> OfficeNow {
        let (picture, answers) = try live.answers(office: code, at: now)
        let outlook = picture.outlook(at: now, answers: answers)
        return try database.writer.read { db in
            let facts = try OfficeFacts.load(db, code: code)
            let dayStart = ServiceDay.midnight(of: snapshot.day, timeZone: facts.timeZone) ?? now
            // Who is at each counter: the clerk seen there last today (a console's heartbeat or key
            // press; one who left is no longer seen). Not the last event's author: a manager saving
            // the counter's schedule is not at it.
            let staff = try Dictionary(Row.fetchAll(db.cachedStatement(sql: """
                SELECT p.counter_id, s.display_name FROM counter_presence p
                JOIN counter c ON c.id = p.counter_id JOIN staff_user s ON s.id = p.staff_id
                WHERE c.office_code = ? AND p.seen_at >= ? ORDER BY p.seen_at, p.staff_id
                """), arguments: [code, dayStart.milliseconds]).map { (($0["counter_id"] as Int64), ($0["display_name"] as String)) },
                uniquingKeysWith: { _, later in later })
            let oldest = try Dictionary(Row.fetchAll(db.cachedStatement(sql: """
                SELECT service_code, min(queued_at) AS oldest FROM token
                WHERE office_code = ? AND service_day = ? AND state = 'waiting' GROUP BY service_code
                """), arguments: [code, snapshot.day]).map { (($0["service_code"] as String), ($0["oldest"] as Int64)) },
                uniquingKeysWith: { first, _ in first })
            let running = Dictionary(try CounterBreaks.load(db, office: facts, start: dayStart, end: now.addingTimeInterval(1), now: now)
                .filter { $0.endedAt == nil }.map { ($0.counter, $0) }, uniquingKeysWith: { _, last in last })
            return OfficeNow(
                office: code, day: snapshot.day, isOpenNow: snapshot.isOpenNow,
                counters: snapshot.counters.map { counter in
                    // The reason as typed (the public snapshot gives the console's reasons only).
                    OfficeNow.CounterNow(number: counter.number, state: counter.state,
                                         pauseReason: picture.counters.first { $0.id == counter.id }?.pauseReason ?? counter.pauseReason,
                                         pausedAt: counter.state == "paused" ? running[counter.number]?.startedAt : nil,
                                         overBreakLimit: counter.state == "paused" && running[counter.number]?.overLimit == true,
                                         token: counter.token, tokenState: counter.tokenState, staff: staff[counter.id],
                                         unattended: outlook.unattendedCounters.contains(counter.number))
                },
                services: snapshot.services.map { service in
                    OfficeNow.ServiceNow(
                        code: service.code, waiting: service.waiting,
                        longestWaitMinutes: oldest[service.code].map { now.timeIntervalSince(Date(milliseconds: $0)) / 60 },
                        estimatedWaitMinutes: service.estimatedWaitSeconds.map { $0 / 60 })
                },
                outlook: outlook)
        }
    }
}
