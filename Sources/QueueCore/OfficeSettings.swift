import Foundation
import GRDB

/// What an office's administration page shows and changes: counters and their services, the
/// appointment places of each service, holidays, the queue rules, the office's kiosks, and how it
/// tells its citizens.
/// (Staff accounts are `StaffAccounts`'.)
public struct OfficeSettings: Sendable, Encodable, Equatable {
    public struct CounterPlan: Sendable, Encodable, Equatable {
        public var number: Int
        public var state: String
        public var services: [String]
        /// Its planned day (see `CounterSchedule`): pauses as `13:30-14:00 Lunch`, closing as `17:30`.
        public var pauses: [String]
        public var closes: String?
    }

    public struct ServicePlan: Sendable, Encodable, Equatable {
        public var code: String
        public var dailyCap: Int
        /// The wait the office aims to keep within, in minutes.
        public var targetMinutes: Int
        /// The places of this service's appointment slots (usually one value); empty without slots.
        public var slotCapacities: [Int]
    }

    public struct Holiday: Sendable, Encodable, Equatable {
        public var day: String
        public var reason: String
    }

    public var office: String
    public var policy: QueuePolicy
    public var counters: [CounterPlan]
    public var services: [ServicePlan]
    /// From today on.
    public var holidays: [Holiday]
    public var kiosks: [KioskDevices.Device]
    /// How the office tells its citizens (turn-near threshold, SMS or WhatsApp).
    public var messaging: OfficeMessaging
}

extension Queue {
    public func settings(office code: String, at now: Date) throws -> OfficeSettings {
        try database.writer.read { db in
            let facts = try OfficeFacts.load(db, code: code)
            let counters = try Row.fetchAll(db, sql: """
                SELECT c.id, c.number, c.state, (SELECT group_concat(service_code) FROM
                    (SELECT service_code FROM counter_service WHERE counter_id = c.id ORDER BY 1)) AS services
                FROM counter c WHERE c.office_code = ? ORDER BY c.number
                """, arguments: [code]).map { row in
                let schedule = try CounterSchedule.load(db, counter: row["id"])
                return OfficeSettings.CounterPlan(number: row["number"], state: row["state"],
                                                  services: ((row["services"] as String?) ?? "").split(separator: ",").map(String.init),
                                                  pauses: schedule.pauses.map(\.text), closes: schedule.closesAt.map(Queue.clock))
            }
            let services = try Row.fetchAll(db, sql: """
                SELECT os.service_code, os.daily_cap, os.target_minutes,
                       (SELECT group_concat(capacity) FROM (SELECT DISTINCT capacity FROM appointment_slot
                            WHERE office_code = os.office_code AND service_code = os.service_code ORDER BY 1)) AS capacities
                FROM office_service os WHERE os.office_code = ? ORDER BY 1
                """, arguments: [code]).map { row in
                OfficeSettings.ServicePlan(code: row["service_code"], dailyCap: row["daily_cap"], targetMinutes: row["target_minutes"],
                                           slotCapacities: ((row["capacities"] as String?) ?? "").split(separator: ",").compactMap { Int($0) })
            }
            let holidays = try Row.fetchAll(db, sql: "SELECT day, reason FROM office_holiday WHERE office_code = ? AND day >= ? ORDER BY day",
                                            arguments: [code, facts.serviceDay(now).day]).map {
                OfficeSettings.Holiday(day: $0["day"], reason: $0["reason"])
            }
            let kiosks = try KioskDevices.all(db, office: code)
            return OfficeSettings(office: code, policy: facts.policy, counters: counters, services: services,
                                  holidays: holidays, kiosks: kiosks, messaging: try OfficeMessaging.load(db, office: code))
        }
    }

    /// The ordering parameters, within the bounds the schema enforces.
    public func setPolicy(office code: String, to policy: QueuePolicy, actor: Actor, at now: Date) throws {
        for (field, value, range) in [("max_priority_streak", policy.maxPriorityStreak, 1...20), ("aging_minutes", policy.agingMinutes, 5...600),
                                      ("recall_limit", policy.recallLimit, 0...10), ("active_tokens_per_phone", policy.activeTokensPerPhone, 1...20),
                                      ("min_recall_seconds", policy.minRecallSeconds, 0...600),
                                      ("break_limit_minutes", policy.breakLimitMinutes, 5...240)]
            where !range.contains(value) {
            throw QueueError.invalidField(field: field, reason: "\(field) must be from \(range.lowerBound) to \(range.upperBound).")
        }
        try commit { db, events in
            _ = try OfficeFacts.load(db, code: code)
            try db.execute(sql: """
                INSERT INTO queue_policy (office_code, max_priority_streak, aging_minutes, recall_limit, active_tokens_per_phone,
                                          min_recall_seconds, break_limit_minutes, transfer_placement) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(office_code) DO UPDATE SET
                    max_priority_streak = excluded.max_priority_streak, aging_minutes = excluded.aging_minutes,
                    recall_limit = excluded.recall_limit, active_tokens_per_phone = excluded.active_tokens_per_phone,
                    min_recall_seconds = excluded.min_recall_seconds, break_limit_minutes = excluded.break_limit_minutes,
                    transfer_placement = excluded.transfer_placement
                """, arguments: [code, policy.maxPriorityStreak, policy.agingMinutes, policy.recallLimit, policy.activeTokensPerPhone,
                                 policy.minRecallSeconds, policy.breakLimitMinutes, policy.transferPlacement.rawValue])
            events.append(try EventLog.append(db, office: code, kind: .policyChanged, actor: actor, reason: """
                priority streak \(policy.maxPriorityStreak), aging \(policy.agingMinutes) min, recalls \(policy.recallLimit), \
                tokens per phone \(policy.activeTokensPerPhone), \(policy.minRecallSeconds) s between calls, breaks up to \(policy.breakLimitMinutes) min, \
                transfers placed by \(policy.transferPlacement.rawValue)
                """, at: now))
        }
    }

    /// The services a counter serves (each offered by the office; at least one).
    public func setCounterServices(office code: String, counter number: Int, services: [String], actor: Actor, at now: Date) throws {
        let wanted = Array(Set(services)).sorted()
        guard !wanted.isEmpty else { throw QueueError.invalidField(field: "services", reason: "A counter serves at least one service.") }
        try commit { db, events in
            guard let counter = try Counter.fetch(db, office: code, number: number) else {
                throw QueueError.invalidField(field: "counter", reason: "There is no counter \(number) at \(code).")
            }
            let offered = Set(try String.fetchAll(db, sql: "SELECT service_code FROM office_service WHERE office_code = ?", arguments: [code]))
            if let stranger = wanted.first(where: { !offered.contains($0) }) {
                throw QueueError.serviceNotOffered(office: code, service: stranger)
            }
            try db.execute(sql: "DELETE FROM counter_service WHERE counter_id = ?", arguments: [counter.id])
            for service in wanted { try db.execute(sql: "INSERT INTO counter_service VALUES (?, ?)", arguments: [counter.id, service]) }
            events.append(try EventLog.append(db, office: code, kind: .counterServicesChanged, counter: counter, actor: actor,
                                              reason: wanted.joined(separator: ", "), at: now))
        }
    }

    /// The places of every appointment slot of a service at the office. Bookings already made stay,
    /// even where a slot now holds more than its new places.
    public func setSlotCapacity(office code: String, service: String, capacity: Int, actor: Actor, at now: Date) throws {
        guard (1...1000).contains(capacity) else { throw QueueError.invalidField(field: "capacity", reason: "Places per slot: 1 to 1000.") }
        try commit { db, events in
            _ = try OfficeFacts.load(db, code: code)
            try db.execute(sql: "UPDATE appointment_slot SET capacity = ? WHERE office_code = ? AND service_code = ?",
                           arguments: [capacity, code, service])
            guard db.changesCount > 0 else { throw QueueError.appointmentsNotOffered(service: service) }
            events.append(try EventLog.append(db, office: code, kind: .slotCapacityChanged, actor: actor,
                                              reason: "\(service): \(capacity) per slot", at: now))
        }
    }

    /// The wait an office aims to keep a service within; the dashboard holds the forecast to it.
    public func setWaitTarget(office code: String, service: String, minutes: Int, actor: Actor, at now: Date) throws {
        guard (5...600).contains(minutes) else {
            throw QueueError.invalidField(field: "minutes", reason: "A wait target is 5 to 600 minutes.")
        }
        try commit { db, events in
            _ = try OfficeFacts.load(db, code: code)
            try db.execute(sql: "UPDATE office_service SET target_minutes = ? WHERE office_code = ? AND service_code = ?",
                           arguments: [minutes, code, service])
            guard db.changesCount == 1 else { throw QueueError.serviceNotOffered(office: code, service: service) }
            events.append(try EventLog.append(db, office: code, kind: .waitTargetChanged, actor: actor,
                                              reason: "\(service): \(minutes) min", at: now))
        }
    }

    public func addHoliday(office code: String, day: String, reason: String, actor: Actor, at now: Date) throws {
        let reason = try TextInput.validated(reason, field: "reason", label: "reason", limit: 200)
        try commit { db, events in
            let facts = try OfficeFacts.load(db, code: code)
            guard ServiceDay.midnight(of: day, timeZone: facts.timeZone) != nil else {
                throw QueueError.invalidField(field: "day", reason: "Give the day as YYYY-MM-DD.")
            }
            guard day >= facts.serviceDay(now).day else { throw QueueError.invalidField(field: "day", reason: "The day has passed.") }
            try db.execute(sql: "INSERT INTO office_holiday VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET reason = excluded.reason",
                           arguments: [code, day, reason])
            events.append(try EventLog.append(db, office: code, kind: .holidayAdded, actor: actor, reason: "\(day) \(reason)", at: now))
        }
    }

    public func removeHoliday(office code: String, day: String, actor: Actor, at now: Date) throws {
        try commit { db, events in
            _ = try OfficeFacts.load(db, code: code)
            try db.execute(sql: "DELETE FROM office_holiday WHERE office_code = ? AND day = ?", arguments: [code, day])
            guard db.changesCount == 1 else { throw QueueError.invalidField(field: "day", reason: "There is no holiday on \(day).") }
            events.append(try EventLog.append(db, office: code, kind: .holidayRemoved, actor: actor, reason: day, at: now))
        }
    }
}
