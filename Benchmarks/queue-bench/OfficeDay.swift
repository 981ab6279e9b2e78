import Foundation
import QueueCore

/// One day of Surat Varachha subdivision office (10:30-18:30, three counters), event by event.
/// Counter 2 lunches 13:30-14:00 and counter 3 closes at 17:30, both planned (in the counters'
/// schedule); a scenario may add what nobody planned. At 18:30 the office stops calling: whoever
/// still waits is not reached today.
struct OfficeDay {
    enum Scenario: String, CaseIterable {
        case normal
        /// Counter 1 closes at 15:00, unannounced.
        case earlyClose = "early-close"
        /// Counter 1 pauses from 11:30 to 13:30, unannounced.
        case longPause = "long-pause"
    }

    static let india = TimeZone(identifier: "Asia/Kolkata") ?? .current
    static let office = "SRT-VRC"
    /// Walk-in arrivals per hour by local hour: a morning peak, a lunch dip, an afternoon rise
    /// (about 80 a day, which with appointments keeps three counters some 85% busy).
    static let arrivalsPerHour: [Int: Double] = [10: 10, 11: 15, 12: 13, 13: 8, 14: 7, 15: 11, 16: 10, 17: 6, 18: 3]
    /// Walk-in services and their shares.
    static let services: [(String, Double)] = [
        ("bill-complaint", 0.35), ("meter-complaint", 0.2), ("new-lt-connection", 0.15),
        ("name-change", 0.12), ("load-change", 0.08), ("rooftop-solar", 0.1),
    ]
    static let typicalMinutes = ["bill-complaint": 8.0, "meter-complaint": 10, "new-lt-connection": 20,
                                 "name-change": 15, "load-change": 15, "rooftop-solar": 25]
    static let appointmentServices = ["new-lt-connection", "name-change", "load-change", "rooftop-solar"]

    /// What one token was told and what became of it.
    struct Record {
        let kind: String
        let service: String
        /// The local minute of the day it joined.
        let joinedMinute: Int
        /// Told when it joined: the forecast's wait, the pooled rule's, whether it would be reached
        /// today, and how many people were before it.
        let estimate: Double?
        let pooled: Double?
        let range: ClosedRange<Double>?
        let reachedToday: Bool?
        let ahead: Int?
        /// The real wait, nil if it was not reached before closing.
        let actualWait: Double?
        /// The real number called before it by the counters that could serve it, and whether anyone
        /// who came later was called before it (then the count at booking could not know them).
        let actualAhead: Int?
        let overtaken: Bool
        /// Those of its own service the policy put before it when it joined, and those of its own
        /// service really called before it (by any counter).
        let sameAhead: Int?
        let actualSameAhead: Int?
        /// Every later estimate of the remaining wait (forecast, pooled), against the real remaining wait.
        let later: [(estimate: Double?, pooled: Double?, range: ClosedRange<Double>?, actual: Double)]
    }

    struct Joined {
        let kind: String
        let service: String
        let candidate: QueueCandidate
        var sameAhead: Int?
        /// How many calls the day had made when it joined.
        var callsBefore = 0
        let queuedAt: Date
        let position: QueuePosition?
        let pooled: Double?
        var later: [(at: Date, estimate: Double?, pooled: Double?, range: ClosedRange<Double>?)] = []
    }

    enum Event {
        case arrival
        case appointmentArrival(tokenID: Int64)
        case counterCheck(Int)
        case recall(counter: Int, token: Int64, remaining: Int)
        case start(counter: Int, token: Int64)
        case complete(counter: Int, token: Int64)
        case setCounter(Int, Counter.State)
    }

    let bench: BenchDatabase
    let midnight: Date
    let load: Double
    let scenario: Scenario
    let counters: [Int64]
    /// The services each counter serves (as the demo office has them).
    let counterServices: [Set<String>]
    var events: [(Double, Int, Event)] = []
    var sequence = 0
    var busy: Set<Int> = []
    /// What the schedule wants of each counter; a busy counter gets there once its citizen is done.
    var desired: [Int: Counter.State] = [:]
    var actual: [Int: Counter.State] = [:]
    var phone = 0
    var joined: [Int64: Joined] = [:]
    var noShows: Set<Int64> = []
    var records: [Record] = []
    /// Every call of the day, in order: when, which token, which counter (index), the token's service.
    var calls: [(at: Date, token: Int64, counter: Int, joinedAt: Date, service: String)] = []
    var lastHeartbeat: [Int: Double] = [:]
    var lastLook = -1.0
    let clerk = Actor.staff(id: 1, username: "sim")

    init(bench: BenchDatabase, midnight: Date, load: Double, scenario: Scenario = .normal) throws {
        self.bench = bench
        self.midnight = midnight
        self.load = load
        self.scenario = scenario
        counters = try bench.database.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM counter WHERE office_code = ? ORDER BY number", arguments: [Self.office])
        }
        counterServices = try counters.map { id in
            Set(try bench.database.writer.read { db in
                try String.fetchAll(db, sql: "SELECT service_code FROM counter_service WHERE counter_id = ?", arguments: [id])
            })
        }
        phone = 6_000_000_000 + Int(midnight.timeIntervalSince1970 / 86_400) * 10_000
        // The day as planned: counter 2's lunch, counter 3's early closing.
        try bench.execute("INSERT INTO counter_pause VALUES (\(counters[1]), 810, 840, 'Lunch')")
        try bench.execute("UPDATE counter SET closes_at = 1050 WHERE id = \(counters[2])")
        bench.queue.live.forget()
    }

    func date(_ minute: Double) -> Date { midnight.addingTimeInterval(minute * 60) }

    mutating func schedule(_ minute: Double, _ event: Event) {
        sequence += 1
        let entry = (minute, sequence, event)
        let index = events.firstIndex { ($0.0, $0.1) > (minute, sequence) } ?? events.count
        events.insert(entry, at: index)
    }

    mutating func run(_ random: inout SeededRandom) throws -> [Record] {
        try bookAppointments(&random)
        for counter in counters.indices { schedule(630, .setCounter(counter, .open)) }
        schedule(810, .setCounter(1, .paused))   // counter 2's lunch, 13:30-14:00
        schedule(840, .setCounter(1, .open))
        schedule(1050, .setCounter(2, .closed))  // counter 3 closes at 17:30
        switch scenario {
        case .normal: break
        case .earlyClose: schedule(900, .setCounter(0, .closed))
        case .longPause:
            schedule(690, .setCounter(0, .paused))
            schedule(810, .setCounter(0, .open))
        }
        for counter in counters.indices { schedule(Self.closing, .setCounter(counter, .closed)) }
        schedule(630 + random.exponential(rate: rate(at: 630)), .arrival)

        while !events.isEmpty {
            let (minute, _, event) = events.removeFirst()
            guard minute < 1440 else { break }
            heartbeats(at: minute)
            try handle(event, at: minute, &random)
            try look(at: minute)
        }
        // Closing time: whoever still waits was not reached today.
        for (id, entry) in joined { records.append(record(id, entry, calledAt: nil, counter: nil)) }
        return records
    }

    /// The office stops calling at 18:30.
    static let closing = 1110.0

    /// The console of each open counter beats every minute (a paused or closed counter's clerk is away).
    mutating func heartbeats(at minute: Double) {
        for counter in counters.indices where actual[counter] == .open && (lastHeartbeat[counter] ?? -10) <= minute - 1 {
            try? bench.queue.heartbeat(counter: counters[counter], actor: clerk, at: date(minute))
            lastHeartbeat[counter] = minute
        }
    }

    /// What every waiting citizen is told after a change (at most once a simulated minute).
    mutating func look(at minute: Double) throws {
        guard minute >= lastLook + 1, !joined.isEmpty else { return }
        lastLook = minute
        let now = date(minute)
        for (id, (position, pooled)) in try bench.queue.forecastAndPooled(office: Self.office, at: now) where joined[id] != nil {
            joined[id]?.later.append((now, position.estimatedWaitSeconds, pooled, position.estimatedWaitRange))
        }
    }

    func record(_ id: Int64, _ entry: Joined, calledAt: Date?, counter: Int?) -> Record {
        var actualAhead: Int?, actualSameAhead: Int?, overtaken = false
        if let calledAt {
            let service = entry.service
            let before = calls.filter { $0.at > entry.queuedAt && $0.at < calledAt && counterServices[$0.counter].contains(service) }
            actualAhead = before.count
            overtaken = before.contains { $0.joinedAt > entry.queuedAt }
            // (every call after it joined, at the same moment too: the calls are in the order made)
            actualSameAhead = calls[min(entry.callsBefore, calls.count)...].filter { $0.service == service }.count
        }
        return Record(kind: entry.kind, service: entry.service,
                      joinedMinute: ServiceDay(entry.queuedAt, timeZone: Self.india).minuteOfDay,
                      estimate: entry.position?.estimatedWaitSeconds, pooled: entry.pooled,
                      range: entry.position?.estimatedWaitRange, reachedToday: entry.position?.reachedToday, ahead: entry.position?.ahead,
                      actualWait: calledAt.map { $0.timeIntervalSince(entry.queuedAt) }, actualAhead: actualAhead, overtaken: overtaken,
                      sameAhead: entry.sameAhead, actualSameAhead: actualSameAhead,
                      later: calledAt.map { called in
                          entry.later.map { ($0.estimate, $0.pooled, $0.range, called.timeIntervalSince($0.at)) }
                      } ?? [])
    }

    func rate(at minute: Double) -> Double { (Self.arrivalsPerHour[Int(minute / 60)] ?? 0) * load / 60 }

    mutating func phoneNumber() -> String { phone += 1; return String(phone) }

    mutating func bookAppointments(_ random: inout SeededRandom) throws {
        let weekday = ServiceDay(midnight.addingTimeInterval(3600), timeZone: Self.india).weekday
        let day = ServiceDay(midnight.addingTimeInterval(3600), timeZone: Self.india).day
        for service in Self.appointmentServices {
            let slots = try bench.database.writer.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT id, starts_at FROM appointment_slot WHERE office_code = ? AND service_code = ? AND weekday = ?
                    """, arguments: [Self.office, service, weekday])
            }
            for slot in slots {
                for _ in 0..<min(4, random.poisson(mean: 0.5 * load)) {
                    let token = try bench.queue.book(BookingRequest(
                        officeCode: Self.office, serviceCode: service,
                        citizen: CitizenDetails(name: "Appointment", phone: phoneNumber()),
                        appointment: (slot["id"], day)), at: midnight)
                    if random.chance(0.05) { continue }  // never comes
                    let arrival = Double(slot["starts_at"] as Int) + random.normal() * 10 - 5
                    schedule(max(630, arrival), .appointmentArrival(tokenID: token.id))
                }
            }
        }
    }

    mutating func handle(_ event: Event, at minute: Double, _ random: inout SeededRandom) throws {
        let now = date(minute)
        switch event {
        case .arrival:
            if minute < 1105 {
                try walkIn(at: minute, &random)
                schedule(minute + random.exponential(rate: max(rate(at: minute), 0.01)), .arrival)
            }
        case .appointmentArrival(let tokenID):
            let token = try bench.queue.checkIn(token: tokenID, actor: .kiosk, at: now)
            try join(token, kind: "appointment", at: now)
            wakeIdleCounters(at: minute)
        case .counterCheck(let counter):
            try callNext(counter, at: minute, &random)
        case .recall(let counter, let token, let remaining):
            if remaining > 0 {
                _ = try bench.queue.recall(token: token, counter: counters[counter], actor: clerk, at: now)
                schedule(minute + 1, .recall(counter: counter, token: token, remaining: remaining - 1))
            } else {
                _ = try bench.queue.markNoShow(token: token, counter: counters[counter], actor: clerk, at: now)
                free(counter, at: minute)
            }
        case .start(let counter, let token):
            _ = try bench.queue.start(token: token, counter: counters[counter], actor: clerk, at: now)
        case .complete(let counter, let token):
            _ = try bench.queue.complete(token: token, counter: counters[counter], actor: clerk, at: now)
            free(counter, at: minute)
        case .setCounter(let counter, let state):
            desired[counter] = state
            schedule(minute, .counterCheck(counter))
        }
    }

    mutating func walkIn(at minute: Double, _ random: inout SeededRandom) throws {
        var pick = random.uniform(), service = Self.services[0].0
        for (code, share) in Self.services {
            if pick < share { service = code; break }
            pick -= share
        }
        let priority: PriorityCategory = random.chance(0.1) ? .seniorCitizen : .none
        let token = try bench.queue.book(BookingRequest(
            officeCode: Self.office, serviceCode: service,
            citizen: CitizenDetails(name: "Walk-in", phone: phoneNumber(), priority: priority)), at: date(minute))
        if random.chance(0.05) { noShows.insert(token.id) }
        try join(token, kind: priority.isPriority ? "priority" : "walk-in", at: date(minute))
        wakeIdleCounters(at: minute)
    }

    mutating func join(_ token: Token, kind: String, at now: Date) throws {
        let told = try bench.queue.forecastAndPooled(office: Self.office, at: now)[token.id]
        let candidate = QueueCandidate(tokenID: token.id, priority: token.citizen.priority, kind: token.kind, queuedAt: now,
                                       slotStartsAt: token.slotStartsAt)
        var entry = Joined(kind: kind, service: token.serviceCode, candidate: candidate, queuedAt: now, position: told?.0, pooled: told?.pooled)
        // Those of its own service waiting now that the policy puts before it.
        let line = joined.values.filter { $0.service == token.serviceCode }.map(\.candidate) + [candidate]
        let order = OrderingPolicy.order(line, priorityStreak: 0, policy: .standard, now: now,
                                         minuteOfDay: ServiceDay(now, timeZone: Self.india).minuteOfDay)
        entry.sameAhead = order.firstIndex { $0.tokenID == token.id }
        entry.callsBefore = calls.count
        joined[token.id] = entry
    }

    mutating func wakeIdleCounters(at minute: Double) {
        for counter in counters.indices where !busy.contains(counter) { schedule(minute, .counterCheck(counter)) }
    }

    mutating func free(_ counter: Int, at minute: Double) {
        busy.remove(counter)
        schedule(minute, .counterCheck(counter))
    }

    /// A free counter moves to its desired state (closed from closing time on), then, if open,
    /// calls the next citizen.
    mutating func callNext(_ counter: Int, at minute: Double, _ random: inout SeededRandom) throws {
        guard !busy.contains(counter) else { return }
        let now = date(minute)
        let target = minute >= Self.closing ? .closed : desired[counter] ?? .closed
        if target != actual[counter] {
            _ = try bench.queue.setCounter(counters[counter], to: target, reason: target == .paused ? "Lunch" : nil,
                                           actor: clerk, at: now)
            actual[counter] = target
        }
        guard target == .open,
              let token = try bench.queue.callNext(counter: counters[counter], actor: clerk, at: now) else { return }
        busy.insert(counter)
        let entry = joined.removeValue(forKey: token.id)
        if let entry { records.append(record(token.id, entry, calledAt: now, counter: counter)) }
        calls.append((now, token.id, counter, entry?.queuedAt ?? now, token.serviceCode))
        if noShows.contains(token.id) {
            schedule(minute + 1, .recall(counter: counter, token: token.id, remaining: 2))
            return
        }
        let walk = 0.5 + random.uniform()
        let service = random.logNormal(median: Self.typicalMinutes[token.serviceCode] ?? 10, sigma: 0.45)
        schedule(minute + walk, .start(counter: counter, token: token.id))
        schedule(minute + walk + service, .complete(counter: counter, token: token.id))
    }
}

import GRDB
