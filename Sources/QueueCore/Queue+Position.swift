import Foundation
import GRDB

extension Queue {
    /// How many recent services make the rolling mean service time.
    static let serviceTimeWindow = 20

    /// The position and estimated wait of a waiting token; nil for a token not in the queue.
    public func position(of tokenID: Int64, at now: Date) throws -> QueuePosition? {
        try database.writer.read { db in
            guard let token = try Token.fetch(db, id: tokenID), token.state == .waiting else { return nil }
            let office = try OfficeFacts.load(db, code: token.officeCode)
            let moment = office.serviceDay(now)
            let candidates = try waitingCandidates(db, office: office.code, day: token.serviceDay,
                                                   services: [token.serviceCode], counterID: token.targetCounterID)
            let streak = try priorityStreak(db, office: office.code, limit: office.policy.maxPriorityStreak)
            let order = OrderingPolicy.order(candidates, priorityStreak: streak, policy: office.policy,
                                             now: now, minuteOfDay: moment.minuteOfDay)
            let ahead = order.firstIndex { $0.tokenID == tokenID } ?? order.count
            let open = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM counter c JOIN counter_service cs ON cs.counter_id = c.id
                WHERE c.office_code = ? AND cs.service_code = ? AND c.state = 'open'
                """, arguments: [office.code, token.serviceCode]) ?? 0
            let seconds = try serviceSeconds(db, office: office.code, service: token.serviceCode)
            let estimate = open > 0 ? Double(ahead) * seconds / Double(open) : nil
            return QueuePosition(ahead: ahead, openCounters: open, serviceSeconds: seconds, estimatedWaitSeconds: estimate)
        }
    }

    /// Mean of the latest service times of a service at an office; its typical duration if none yet.
    func serviceSeconds(_ db: Database, office: String, service: String) throws -> Double {
        let recent = try Int64.fetchAll(db, sql: """
            SELECT finished_at - started_at FROM token
            WHERE office_code = ? AND service_code = ? AND state = 'served' AND started_at IS NOT NULL
            ORDER BY finished_at DESC LIMIT ?
            """, arguments: [office, service, Self.serviceTimeWindow])
        if recent.count >= 3 {
            return Double(recent.reduce(0, +)) / Double(recent.count) / 1000
        }
        let typical = try Int.fetchOne(db, sql: "SELECT typical_minutes FROM service WHERE code = ?", arguments: [service]) ?? 10
        return Double(typical) * 60
    }
}
