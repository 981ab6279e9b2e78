import Foundation
import GRDB

extension Queue {
    /// How many recent services make the rolling mean service time.
    static let serviceTimeWindow = 20

    /// The position and estimated wait of a waiting token; nil for a token not in the queue.
    ///
    /// Counters often serve several services, so the estimate pools every service the token's open
    /// counters handle: the work ahead is the sum of the recent mean service times of the tokens the
    /// policy would call first (each weighted by the share of its service's open counters that are
    /// this token's counters), plus half a service for each of those counters already busy, shared
    /// among the counters.
    public func position(of tokenID: Int64, at now: Date) throws -> QueuePosition? {
        try database.writer.read { db in
            guard let token = try Token.fetch(db, id: tokenID), token.state == .waiting else { return nil }
            return try estimate(db, office: token.officeCode, day: token.serviceDay, service: token.serviceCode,
                                targetCounter: token.targetCounterID, token: token, at: now)
        }
    }

    /// The estimate for `token`, or, without one, for a walk-in joining the service's queue now.
    func estimate(_ db: Database, office code: String, day: String, service: String, targetCounter: Int64?,
                  token: Token?, at now: Date) throws -> QueuePosition {
        let office = try OfficeFacts.load(db, code: code)
        let moment = office.serviceDay(now)
        let counters = try Row.fetchAll(db, sql: """
            SELECT c.id, EXISTS (SELECT 1 FROM token t WHERE t.counter_id = c.id AND t.state IN ('called', 'serving')) AS busy
            FROM counter c JOIN counter_service cs ON cs.counter_id = c.id
            WHERE c.office_code = ? AND cs.service_code = ? AND c.state = 'open'
            """, arguments: [office.code, service])
        let counterIDs = counters.map { $0["id"] as Int64 }
        var pool = Set([service])
        if !counterIDs.isEmpty {
            let marks = counterIDs.map { _ in "?" }.joined(separator: ", ")
            pool.formUnion(try String.fetchAll(db, sql: "SELECT DISTINCT service_code FROM counter_service WHERE counter_id IN (\(marks))",
                                               arguments: StatementArguments(counterIDs)))
        }
        let candidates = try waitingCandidates(db, office: office.code, day: day, services: pool.sorted(), counterID: targetCounter)
        let streak = try priorityStreak(db, office: office.code, limit: office.policy.maxPriorityStreak)
        let order = OrderingPolicy.order(candidates, priorityStreak: streak, policy: office.policy,
                                         now: now, minuteOfDay: moment.minuteOfDay)
        let ahead = token.map { token in Array(order.prefix { $0.tokenID != token.id }) } ?? order
        let ownSeconds = try serviceSeconds(db, office: office.code, service: service)
        guard !counterIDs.isEmpty else {
            return QueuePosition(ahead: ahead.count, openCounters: 0, serviceSeconds: ownSeconds, estimatedWaitSeconds: nil)
        }
        let services = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: """
            SELECT id, service_code FROM token WHERE office_code = ? AND service_day = ? AND state = 'waiting'
            """, arguments: [office.code, day]).map { ($0["id"] as Int64, $0["service_code"] as String) })
        var means: [String: Double] = [:]
        func mean(_ service: String) throws -> Double {
            if let known = means[service] { return known }
            let value = try serviceSeconds(db, office: office.code, service: service)
            means[service] = value
            return value
        }
        // A token ahead of another service takes this token's counters only for the share of that
        // service's open counters that are also this token's counters.
        let openByService = Dictionary(grouping: try Row.fetchAll(db, sql: """
            SELECT cs.service_code, c.id FROM counter c JOIN counter_service cs ON cs.counter_id = c.id
            WHERE c.office_code = ? AND c.state = 'open'
            """, arguments: [office.code]), by: { $0["service_code"] as String })
            .mapValues { Set($0.map { $0["id"] as Int64 }) }
        let mine = Set(counterIDs)
        var work = 0.0
        for candidate in ahead {
            let other = services[candidate.tokenID] ?? service
            let theirs = openByService[other] ?? mine
            let share = theirs.isEmpty ? 0 : Double(theirs.intersection(mine).count) / Double(theirs.count)
            work += try mean(other) * share
        }
        let busy = counters.filter { $0["busy"] as Bool }.count
        work += Double(busy) * ownSeconds / 2
        return QueuePosition(ahead: ahead.count, openCounters: counterIDs.count, serviceSeconds: ownSeconds,
                             estimatedWaitSeconds: work / Double(counterIDs.count))
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
