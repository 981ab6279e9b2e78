import Foundation
import GRDB
@testable import QueueCore

/// The answers about the present worked out straight from SQL for each question, as every reader did
/// before the live picture: the reference the live picture is checked against.
struct ReferenceAnswers {
    let database: AppDatabase

    func position(of tokenID: Int64, at now: Date) throws -> QueuePosition? {
        try database.writer.read { db in
            guard let token = try Token.fetch(db, id: tokenID), token.state == .waiting else { return nil }
            return try estimate(db, office: token.officeCode, day: token.serviceDay, service: token.serviceCode,
                                targetCounter: token.targetCounterID, token: token, at: now)
        }
    }

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
        let queue = Queue(database: database)
        let candidates = try queue.waitingCandidates(db, office: office.code, day: day, services: pool.sorted(), counterID: targetCounter)
        let streak = try Queue.priorityStreak(db, office: office.code, limit: office.policy.maxPriorityStreak)
        let order = OrderingPolicy.order(candidates, priorityStreak: streak, policy: office.policy,
                                         now: now, minuteOfDay: moment.minuteOfDay)
        let ahead = token.map { token in Array(order.prefix { $0.tokenID != token.id }) } ?? order
        let ownSeconds = try Queue.serviceSeconds(db, office: office.code, service: service)
        guard !counterIDs.isEmpty else {
            return QueuePosition(ahead: ahead.count, openCounters: 0, serviceSeconds: ownSeconds, estimatedWaitSeconds: nil)
        }
        let services = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: """
            SELECT id, service_code FROM token WHERE office_code = ? AND service_day = ? AND state = 'waiting'
            """, arguments: [office.code, day]).map { ($0["id"] as Int64, $0["service_code"] as String) })
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
            work += try Queue.serviceSeconds(db, office: office.code, service: other) * share
        }
        let busy = counters.filter { $0["busy"] as Bool }.count
        work += Double(busy) * ownSeconds / 2
        return QueuePosition(ahead: ahead.count, openCounters: counterIDs.count, serviceSeconds: ownSeconds,
                             estimatedWaitSeconds: work / Double(counterIDs.count))
    }

    func snapshot(office code: String, at now: Date) throws -> OfficeSnapshot {
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
                    // The console's reasons only: anything else typed stays with staff.
                    id: row["id"], number: row["number"], state: row["state"],
                    pauseReason: (row["pause_reason"] as String?).flatMap { ["lunch", "tea break", "system down", "meeting"].contains($0.lowercased()) ? $0 : nil },
                    services: ((row["services"] as String?) ?? "").split(separator: ",").map(String.init),
                    token: row["token"], tokenState: row["token_state"])
            }
            var services: [OfficeSnapshot.ServiceNow] = []
            for service in try String.fetchAll(db, sql: "SELECT service_code FROM office_service WHERE office_code = ? ORDER BY 1",
                                               arguments: [code]) {
                let waiting = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM token WHERE office_code = ? AND service_day = ? AND state = 'waiting' AND service_code = ?
                    """, arguments: [code, moment.day, service]) ?? 0
                let newcomer = try estimate(db, office: code, day: moment.day, service: service, targetCounter: nil, token: nil, at: now)
                services.append(OfficeSnapshot.ServiceNow(code: service, waiting: waiting, estimatedWaitSeconds: newcomer.estimatedWaitSeconds))
            }
            let calls = try Row.fetchAll(db, sql: """
                SELECT t.number, c.number AS counter, e.at, e.kind FROM event e
                JOIN token t ON t.id = e.token_id JOIN counter c ON c.id = e.counter_id
                WHERE e.office_code = ? AND e.kind IN ('called', 'recalled') AND e.at >= ?
                ORDER BY e.id DESC LIMIT ?
                """, arguments: [code, (ServiceDay.midnight(of: moment.day, timeZone: facts.timeZone) ?? now).milliseconds,
                                 Queue.recentCalls]).map { row in
                OfficeSnapshot.Call(token: row["number"], counter: row["counter"], at: Date(milliseconds: row["at"]),
                                    recall: (row["kind"] as String) == "recalled")
            }
            let holiday = try facts.holiday(db, day: moment.day)
            let open = try holiday == nil && facts.isOpen(db, at: moment)
            return OfficeSnapshot(office: code, day: moment.day, isOpenNow: open,
                                  opensAt: open ? nil : try facts.nextOpening(db, after: now), holiday: holiday,
                                  lastEventID: lastEvent, counters: counters, services: services, lastCalls: calls)
        }
    }

    func callingOrder(counter counterID: Int64, at now: Date) throws -> [Int64] {
        try database.writer.read { db in
            guard let counter = try Counter.fetch(db, id: counterID) else { return [] }
            let office = try OfficeFacts.load(db, code: counter.officeCode)
            let moment = office.serviceDay(now)
            let candidates = try Queue(database: database).waitingCandidates(db, office: office.code, day: moment.day,
                                                                            services: counter.serviceCodes, counterID: counterID)
            let streak = try Queue.priorityStreak(db, office: office.code, limit: office.policy.maxPriorityStreak)
            return OrderingPolicy.order(candidates, priorityStreak: streak, policy: office.policy, now: now,
                                        minuteOfDay: moment.minuteOfDay).map(\.tokenID)
        }
    }
}
