import Foundation
import QueueCore

/// One day of Surat Varachha subdivision office (10:30-18:30, three counters), event by event.
struct OfficeDay {
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

    /// What became of one token: the estimate given when it joined the queue, and the real wait.
    struct Record {
        let kind: String
        let estimate: Double?
        let actualWait: Double
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
    let counters: [Int64]
    var events: [(Double, Int, Event)] = []
    var sequence = 0
    var busy: Set<Int> = []
    /// What the schedule wants of each counter; a busy counter gets there once its citizen is done.
    var desired: [Int: Counter.State] = [:]
    var actual: [Int: Counter.State] = [:]
    var phone = 0
    var estimates: [Int64: (kind: String, estimate: Double?, queuedAt: Date)] = [:]
    var noShows: Set<Int64> = []
    var records: [Record] = []
    let clerk = Actor.staff(id: 1, username: "sim")

    init(bench: BenchDatabase, midnight: Date, load: Double) throws {
        self.bench = bench
        self.midnight = midnight
        self.load = load
        counters = try bench.database.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM counter WHERE office_code = ? ORDER BY number", arguments: [Self.office])
        }
        phone = 6_000_000_000 + Int(midnight.timeIntervalSince1970 / 86_400) * 10_000
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
        for counter in counters.indices { schedule(1110, .setCounter(counter, .closed)) }
        schedule(630 + random.exponential(rate: rate(at: 630)), .arrival)

        while !events.isEmpty {
            let (minute, _, event) = events.removeFirst()
            guard minute < 1440 else { break }  // midnight: an overloaded day ends with citizens unserved
            try handle(event, at: minute, &random)
        }
        return records
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
            joined(token, kind: "appointment", at: now, &random)
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
        joined(token, kind: priority.isPriority ? "priority" : "walk-in", at: date(minute), &random)
        wakeIdleCounters(at: minute)
    }

    mutating func joined(_ token: Token, kind: String, at now: Date, _ random: inout SeededRandom) {
        let estimate = (try? bench.queue.position(of: token.id, at: now))??.estimatedWaitSeconds
        estimates[token.id] = (kind, estimate, now)
    }

    mutating func wakeIdleCounters(at minute: Double) {
        for counter in counters.indices where !busy.contains(counter) { schedule(minute, .counterCheck(counter)) }
    }

    mutating func free(_ counter: Int, at minute: Double) {
        busy.remove(counter)
        schedule(minute, .counterCheck(counter))
    }

    func hasWaiting() throws -> Bool {
        try bench.database.writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM token WHERE office_code = ? AND state = 'waiting')",
                              arguments: [Self.office]) ?? false
        }
    }

    /// A free counter moves to its desired state (at closing time it first serves whoever is still
    /// waiting), then, if open, calls the next citizen.
    mutating func callNext(_ counter: Int, at minute: Double, _ random: inout SeededRandom) throws {
        guard !busy.contains(counter) else { return }
        let now = date(minute)
        var target = desired[counter] ?? .closed
        if target == .closed, minute >= 1110, actual[counter] == .open, try hasWaiting() { target = .open }
        if target != actual[counter] {
            _ = try bench.queue.setCounter(counters[counter], to: target, reason: target == .paused ? "Lunch" : nil,
                                           actor: clerk, at: now)
            actual[counter] = target
        }
        guard target == .open,
              let token = try bench.queue.callNext(counter: counters[counter], actor: clerk, at: now) else { return }
        busy.insert(counter)
        if let joined = estimates.removeValue(forKey: token.id) {
            records.append(Record(kind: joined.kind, estimate: joined.estimate,
                                  actualWait: now.timeIntervalSince(joined.queuedAt)))
        }
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
