import Foundation
import GRDB

/// What the display board and the public see of an office now. No personal data: tokens appear by
/// number only.
public struct OfficeSnapshot: Sendable, Equatable, Codable {
    public struct CounterNow: Sendable, Equatable, Codable {
        /// The id the counter routes take.
        public var id: Int64
        public var number: Int
        public var state: String
        public var pauseReason: String?
        public var services: [String]
        /// The token called to or served at this counter now.
        public var token: String?
        public var tokenState: String?
    }

    public struct ServiceNow: Sendable, Equatable, Codable {
        public var code: String
        public var waiting: Int
        /// What a citizen booking now would likely wait; nil when no counter serves it now.
        public var estimatedWaitSeconds: Double?
    }

    public struct Call: Sendable, Equatable, Codable {
        public var token: String
        public var counter: Int
        public var at: Date
        public var recall: Bool
    }

    public var office: String
    public var day: String
    public var isOpenNow: Bool
    /// While closed: when walk-ins are taken again (holidays counted), and today's holiday, if any.
    public var opensAt: Date?
    public var holiday: String?
    /// The newest events row id this snapshot reflects: an SSE client resumes after it.
    public var lastEventID: Int64
    public var counters: [CounterNow]
    public var services: [ServiceNow]
    public var lastCalls: [Call]
}

extension Queue {
    /// How many recent calls the board shows.
    public static let recentCalls = 8

    public func snapshot(office code: String, at now: Date) throws -> OfficeSnapshot {
        try database.writer.read { db in
            let facts = try OfficeFacts.load(db, code: code)
            let moment = facts.serviceDay(now)
            let lastEvent = try Int64.fetchOne(db, sql: "SELECT max(id) FROM event WHERE office_code = ?", arguments: [code]) ?? 0
            let counters = try Row.fetchAll(db, sql: """
                SELECT c.id, c.number, c.state, c.pause_reason,
                       (SELECT group_concat(service_code) FROM (SELECT service_code FROM counter_service WHERE counter_id = c.id ORDER BY 1)) AS services,
                       t.number AS token, t.state AS token_state
                FROM counter c LEFT JOIN token t ON t.counter_id = c.id AND t.state IN ('called', 'serving')
                WHERE c.office_code = ? ORDER BY c.number
                """, arguments: [code]).map { row in
                OfficeSnapshot.CounterNow(
                    id: row["id"], number: row["number"], state: row["state"], pauseReason: row["pause_reason"],
                    services: ((row["services"] as String?) ?? "").split(separator: ",").map(String.init),
                    token: row["token"], tokenState: row["token_state"])
            }
            var services: [OfficeSnapshot.ServiceNow] = []
            for service in try String.fetchAll(db, sql: "SELECT service_code FROM office_service WHERE office_code = ? ORDER BY 1",
                                               arguments: [code]) {
                let waiting = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM token WHERE office_code = ? AND service_day = ? AND state = 'waiting' AND service_code = ?
                    """, arguments: [code, moment.day, service]) ?? 0
                let newcomer = try estimate(db, office: code, day: moment.day, service: service, targetCounter: nil,
                                            token: nil, at: now)
                services.append(OfficeSnapshot.ServiceNow(
                    code: service, waiting: waiting, estimatedWaitSeconds: newcomer.estimatedWaitSeconds))
            }
            let calls = try Row.fetchAll(db, sql: """
                SELECT t.number, c.number AS counter, e.at, e.kind FROM event e
                JOIN token t ON t.id = e.token_id JOIN counter c ON c.id = e.counter_id
                WHERE e.office_code = ? AND e.kind IN ('called', 'recalled') AND e.at >= ?
                ORDER BY e.id DESC LIMIT ?
                """, arguments: [code, (ServiceDay.midnight(of: moment.day, timeZone: facts.timeZone) ?? now).milliseconds,
                                 Self.recentCalls]).map { row in
                OfficeSnapshot.Call(token: row["number"], counter: row["counter"], at: Date(milliseconds: row["at"]),
                                    recall: (row["kind"] as String) == "recalled")
            }
            let holiday = try facts.holiday(db, day: moment.day)
            let open = try holiday == nil && facts.isOpen(db, at: moment)
            return OfficeSnapshot(office: code, day: moment.day, isOpenNow: open,
                                  opensAt: open ? nil : try facts.nextOpening(db, after: now), holiday: holiday,
                                  lastEventID: lastEvent,
                                  counters: counters, services: services, lastCalls: calls)
        }
    }
}
