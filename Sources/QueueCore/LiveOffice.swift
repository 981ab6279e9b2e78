import Foundation
import GRDB

/// One office's live queue as a value: everything the answers about the present need (a token's
/// place and wait, the public snapshot, a counter's waiting list), loaded in one read transaction
/// and versioned by the newest events row id of the office. Answers are pure functions of it
/// (`LiveOffice+Answers`), so that many readers share one load instead of each querying the office.
public struct LiveOffice: Sendable {
    /// A counter as the live picture holds it.
    struct Counter: Sendable, Equatable {
        let id: Int64
        let number: Int
        var state: QueueCore.Counter.State
        var pauseReason: String?
        /// Sorted.
        let services: [String]
        /// The token called to or served at it now.
        var currentTokenID: Int64?
        var currentNumber: String?
        var currentState: String?
        /// The service of the token at it, and since when it is there (called, or being served).
        var currentService: String?
        var currentSince: Date?
        /// While paused: since when (the console's break timer).
        var pausedAt: Date?
        /// Its planned day: pauses and closing time, minutes of the local day (see `CounterPlanMigration`).
        let pauses: [ClosedRange<Int>]
        let closesAt: Int?

        var isOpen: Bool { state == .open }
        var isBusy: Bool { currentTokenID != nil }
    }

    /// A waiting token, without personal data. Plain bytes (no `String`), so that copying the
    /// waiting list is copying memory (`InlineText` says why): its service is a number, whose code
    /// `LiveOffice.serviceCode(of:)` gives, and so is its token number (`LiveOffice.number(of:)`).
    struct Waiting: Sendable, Equatable {
        let candidate: QueueCandidate
        /// Nil for a number too long to hold in place, then kept in the picture's `longNumbers`.
        let numberText: InlineText?
        /// The service's number in `serviceNumbers`, so that the answers index arrays by it.
        var serviceNumber: Int
        /// Set by a transfer to a given counter: only that counter calls it.
        let targetCounter: Int64?

        var id: Int64 { candidate.tokenID }

        /// A number too long to hold in place goes into `longNumbers` (the picture's).
        init(candidate: QueueCandidate, number: String, serviceNumber: Int, targetCounter: Int64?,
             longNumbers: inout [Int64: String]) {
            self.candidate = candidate
            numberText = InlineText(number)
            self.serviceNumber = serviceNumber
            self.targetCounter = targetCounter
            if numberText == nil { longNumbers[candidate.tokenID] = number }
        }
    }

    /// A waiting (or expected) token's number.
    func number(of entry: Waiting) -> String { entry.numberText?.string ?? longNumbers[entry.id] ?? "" }

    /// A waiting (or expected) token's service code.
    func serviceCode(of entry: Waiting) -> String { serviceCodes[entry.serviceNumber] }

    public let code: String
    /// The newest events row id of this office when it was loaded.
    public internal(set) var version: Int64
    /// The service day its queue is of.
    public let day: String
    /// When it was loaded (answers older than a minute are loaded again: catalogue imports and
    /// settings written without an event reach it that way).
    public let loadedAt: Date
    let policy: QueuePolicy
    let calendar: OfficeCalendar
    /// By number.
    var counters: [Counter]
    /// In arrival order (queueing time, then id), the order the policy sorts within each class: kept
    /// so, sorting a class is a pass over it. Changed only by `insertWaiting` and `removeWaiting`,
    /// which keep the two lists below with it.
    var waiting: WaitingList
    /// Changes when the waiting list changes other than by a newcomer joining at its end (a new one
    /// for each load, too), so that a forecast plan made from the list can be made again from the
    /// last one's tokens and the newcomers' alone (`forecastPlan(at:reusing:)`).
    var waitingRevision = LiveOffice.newWaitingRevision()
    /// How many wait for each service, by service number (see `LiveOffice+WaitingIndex`).
    var waitingPerService: [Int] = []
    /// The waiting priority citizens, appointments and tokens sent to a counter, in arrival order.
    var unusual: [Waiting] = []
    /// The services the office offers, sorted.
    let offeredServices: [String]
    /// Every service the picture can meet (offered, served at a counter, waited for), numbered.
    let serviceNumbers: [String: Int]
    /// The codes of `serviceNumbers`, by number.
    let serviceCodes: [String]
    /// Token numbers too long for `InlineText`, by token id (none that this project makes).
    var longNumbers: [Int64: String] = [:]
    /// Recent mean service time per service (the last `serviceTimeWindow` services, or the
    /// service's typical duration before there are three), for every service the answers can need.
    var serviceSeconds: [String: Double]
    /// The latest service times per service, newest first (at most `serviceTimeWindow`), in milliseconds.
    var recentServiceTimes: [String: [Int64]]
    /// Each service's typical duration, for a service with fewer than three services done.
    let typicalSeconds: [String: Double]
    /// How many of the office's latest calls in a row went to priority citizens.
    var priorityStreak: Int
    var recentCalls: [OfficeSnapshot.Call]
    let documents: [String: [LocalizedName]]
    /// When a clerk was last seen at each counter (a heartbeat or an action there), by counter id.
    var presence: [Int64: Date]
    /// Today's booked appointments not yet checked in, by slot: they join when their slot begins.
    var expected: [Waiting]
    /// How calls go at this office lately, beyond service times (see `OfficePace`).
    var pace: OfficePace
    /// Each offered service's wait target in minutes (the manager's dashboard holds the forecast to it).
    let targetMinutes: [String: Int]
    /// The citizens each counter parked today, by counter id, in the order they were parked.
    var parked: [Int64: [CounterDesk.Parked]]
    /// Today's priority walk-ins as they joined (service, time): they go before those waiting, so
    /// the forecast expects more of them at the rate they came lately.
    var priorityArrivals: [PriorityArrival]

    struct PriorityArrival: Sendable, Equatable {
        let service: String
        let at: Date
    }

    var timeZone: TimeZone { calendar.timeZone }

    /// The office as it is now, in one read transaction.
    static func load(_ db: Database, office code: String, at now: Date) throws -> LiveOffice {
        let facts = try OfficeFacts.load(db, code: code)
        let day = facts.serviceDay(now).day
        let version = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(id) FROM event WHERE office_code = ?"), arguments: [code]) ?? 0
        let counters = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT c.id, c.number, c.state, c.pause_reason, c.closes_at,
                   (SELECT group_concat(service_code) FROM (SELECT service_code FROM counter_service WHERE counter_id = c.id ORDER BY 1)) AS services,
                   (SELECT group_concat(starts_at || '-' || ends_at) FROM (SELECT starts_at, ends_at FROM counter_pause WHERE counter_id = c.id ORDER BY 1)) AS pauses,
                   t.id AS token_id, t.number AS token, t.state AS token_state, t.service_code AS token_service,
                   coalesce(t.started_at, t.called_at) AS token_since,
                   CASE WHEN c.state = 'paused' THEN (SELECT at FROM event WHERE office_code = c.office_code AND counter_id = c.id
                       AND kind = 'counter_paused' ORDER BY id DESC LIMIT 1) END AS paused_at
            FROM counter c LEFT JOIN token t ON t.counter_id = c.id AND t.state IN ('called', 'serving')
            WHERE c.office_code = ? ORDER BY c.number
            """), arguments: [code]).map { row in
            Counter(id: row["id"], number: row["number"], state: QueueCore.Counter.State(rawValue: row["state"]) ?? .closed,
                    pauseReason: row["pause_reason"],
                    services: ((row["services"] as String?) ?? "").split(separator: ",").map(String.init),
                    currentTokenID: row["token_id"], currentNumber: row["token"], currentState: row["token_state"],
                    currentService: row["token_service"], currentSince: (row["token_since"] as Int64?).map(Date.init(milliseconds:)),
                    pausedAt: (row["paused_at"] as Int64?).map(Date.init(milliseconds:)),
                    pauses: CounterPlan.pauses(row["pauses"]), closesAt: row["closes_at"])
        }
        // The longest part of a load, read by column position with a cached statement.
        // Read first with their service codes: the services are numbered once all are known.
        var waitingRows: [(entry: QueueCandidate, number: String, service: String, target: Int64?)] = []
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT id, number, service_code, priority, kind, queued_at, slot_starts_at, target_counter_id FROM token
            WHERE office_code = ? AND service_day = ? AND state = 'waiting'
            """), arguments: [code, day])
        while let row = try rows.next() {
            let priority: String = row[3], kind: String = row[4]
            waitingRows.append((QueueCandidate(tokenID: row[0], priority: PriorityCategory(rawValue: priority) ?? .none,
                                               kind: kind == "appointment" ? .appointment : .walkIn,
                                               queuedAt: Date(milliseconds: row[5]), slotStartsAt: row[6]),
                                row[1], row[2], row[7]))
        }
        // In arrival order (sorted here: the index gives them by service, and SQLite would sort in a temporary tree).
        waitingRows.sort { ($0.entry.queuedAt, $0.entry.tokenID) < ($1.entry.queuedAt, $1.entry.tokenID) }
        var targets: [String: Int] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT service_code, target_minutes FROM office_service WHERE office_code = ? ORDER BY 1"),
                                    arguments: [code]) {
            targets[row[0]] = row[1]
        }
        let offered = targets.keys.sorted()
        let expectedRows = try CounterPlan.expectedAppointments(db, office: code, day: day)
        let needed = Set(offered).union(waitingRows.map(\.service)).union(counters.flatMap(\.services))
            .union(counters.compactMap(\.currentService)).union(expectedRows.map(\.service))
        let codes = needed.sorted()
        let numbers = Dictionary(uniqueKeysWithValues: codes.enumerated().map { ($0.element, $0.offset) })
        var longNumbers: [Int64: String] = [:]
        let waiting = waitingRows.map {
            Waiting(candidate: $0.entry, number: $0.number, serviceNumber: numbers[$0.service] ?? 0, targetCounter: $0.target,
                    longNumbers: &longNumbers)
        }
        let expected = expectedRows.map {
            Waiting(candidate: $0.candidate, number: $0.number, serviceNumber: numbers[$0.service] ?? 0, targetCounter: nil,
                    longNumbers: &longNumbers)
        }
        var times: [String: [Int64]] = [:], typical: [String: Double] = [:], seconds: [String: Double] = [:]
        for service in codes {
            times[service] = try Queue.recentServiceTimes(db, office: code, service: service)
            typical[service] = try Queue.typicalSeconds(db, service: service)
            seconds[service] = Queue.meanServiceSeconds(times[service] ?? [], typical: typical[service] ?? 600)
        }
        let calls = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT t.number, c.number AS counter, e.at, e.kind FROM event e
            JOIN token t ON t.id = e.token_id JOIN counter c ON c.id = e.counter_id
            WHERE e.office_code = ? AND e.kind IN ('called', 'recalled') AND e.at >= ?
            ORDER BY e.id DESC LIMIT ?
            """), arguments: [code, (ServiceDay.midnight(of: day, timeZone: facts.timeZone) ?? now).milliseconds,
                             Queue.recentCalls]).map { row in
            OfficeSnapshot.Call(token: row["number"], counter: row["counter"], at: Date(milliseconds: row["at"]),
                                recall: (row["kind"] as String) == "recalled")
        }
        var documents: [String: [LocalizedName]] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT service_code, name_en, name_gu, name_hi FROM service_document ORDER BY service_code, position")) {
            documents[row["service_code"], default: []].append(LocalizedName(en: row["name_en"], gu: row["name_gu"], hi: row["name_hi"]))
        }
        let dayStart = ServiceDay.midnight(of: day, timeZone: facts.timeZone) ?? now
        var office = LiveOffice(
            code: code, version: version, day: day, loadedAt: now, policy: facts.policy,
            calendar: try facts.calendar(db, from: day), counters: counters, waiting: WaitingList(waiting), offeredServices: offered, serviceNumbers: numbers,
            serviceCodes: codes, longNumbers: longNumbers,
            serviceSeconds: seconds, recentServiceTimes: times, typicalSeconds: typical, priorityStreak: try Queue.priorityStreak(db, office: code, limit: facts.policy.maxPriorityStreak),
            recentCalls: calls, documents: documents,
            presence: try CounterPlan.presence(db, office: code, since: dayStart),
            expected: expected,
            pace: try OfficePace.load(db, office: code, since: dayStart, timeZone: facts.timeZone, policy: facts.policy),
            targetMinutes: targets,
            parked: try Self.loadParked(db, office: code, day: day),
            priorityArrivals: try Row.fetchAll(db.cachedStatement(sql: """
                SELECT service_code, queued_at FROM token WHERE office_code = ? AND service_day = ? AND priority != 'none'
                    AND kind = 'walk_in' AND queued_at IS NOT NULL ORDER BY queued_at
                """), arguments: [code, day]).map { PriorityArrival(service: $0[0], at: Date(milliseconds: $0[1])) })
        office.indexWaiting()
        return office
    }
}

extension Queue {
    /// How many recent services make the rolling mean service time.
    static let serviceTimeWindow = 20

    /// Mean of the latest service times of a service at an office; its typical duration if none yet.
    static func serviceSeconds(_ db: Database, office: String, service: String) throws -> Double {
        meanServiceSeconds(try recentServiceTimes(db, office: office, service: service), typical: try typicalSeconds(db, service: service))
    }

    /// The latest service times of a service at an office, newest first, in milliseconds.
    static func recentServiceTimes(_ db: Database, office: String, service: String) throws -> [Int64] {
        try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT finished_at - started_at FROM token
            WHERE office_code = ? AND service_code = ? AND state = 'served' AND started_at IS NOT NULL
            ORDER BY finished_at DESC, id DESC LIMIT ?
            """), arguments: [office, service, serviceTimeWindow])
    }

    static func typicalSeconds(_ db: Database, service: String) throws -> Double {
        Double(try Int.fetchOne(db.cachedStatement(sql: "SELECT typical_minutes FROM service WHERE code = ?"), arguments: [service]) ?? 10) * 60
    }

    /// The mean of recent service times, weighed against the service's typical duration as five
    /// services would be: a clerk who finishes three citizens in seconds does not make everyone's
    /// wait collapse, and twenty real services outweigh the typical one four to one.
    static func meanServiceSeconds(_ recent: [Int64], typical: Double) -> Double {
        (Double(recent.reduce(0, +)) / 1000 + typicalMean(typical) * 5) / (Double(recent.count) + 5)
    }

    /// The mean service time a typical duration stands for: the catalogue's typical minutes are the
    /// usual (median) service, and service times are skewed to the long side (log-normal, of spread
    /// `SampledDurations.priorSigma` before there are any), so their mean is some 13 % longer.
    static func typicalMean(_ typical: Double) -> Double {
        typical * exp(SampledDurations.priorSigma * SampledDurations.priorSigma / 2)
    }
}
