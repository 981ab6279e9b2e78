import Foundation
import GRDB

/// A service as citizens see it, with what to bring and what it costs: the catalogue's own entry.
public typealias ServiceSummary = Catalog.Service

/// A text in English, Gujarati and Hindi.
public struct LocalizedName: Sendable, Equatable, Codable {
    public var en: String
    public var gu: String
    public var hi: String

    public init(en: String, gu: String, hi: String) {
        self.en = en
        self.gu = gu
        self.hi = hi
    }

    /// The text in a language code (`en`, `gu`, `hi`); English for any other.
    public func named(_ language: String) -> String {
        switch language {
        case "gu": gu
        case "hi": hi
        default: en
        }
    }
}

/// An office as citizens see it: where, when, and what it offers.
public struct OfficeSummary: Sendable, Equatable, Codable {
    public struct Hours: Sendable, Equatable, Codable {
        /// 1 = Monday ... 7 = Sunday.
        public var weekday: Int
        public var opens: String
        public var closes: String
    }

    public var code: String
    public var discom: String
    public var names: LocalizedName
    public var address: LocalizedName
    public var timeZone: String
    public var isOpenNow: Bool
    public var hours: [Hours]
    public var services: [ServiceSummary]
    /// How many days ahead appointments may be booked: pages ask for it rather than keep a copy.
    public var bookingHorizonDays = Queue.bookingHorizonDays
}

/// An appointment slot on a day, with the places still free.
public struct SlotAvailability: Sendable, Equatable, Codable {
    public var id: Int64
    public var day: String
    public var starts: String
    public var ends: String
    public var capacity: Int
    public var placesLeft: Int
    /// Already over (or over before it could be reached): not bookable.
    public var isPast: Bool
}

extension Queue {
    /// Every office with its services, ordered by code.
    public func offices(at now: Date) throws -> [OfficeSummary] {
        try database.writer.read { db in
            try String.fetchAll(db.cachedStatement(sql: "SELECT code FROM office ORDER BY code")).compactMap {
                try Self.officeSummary(db, code: $0, at: now)
            }
        }
    }

    /// One office, or `QueueError.officeNotFound`.
    public func office(_ code: String, at now: Date) throws -> OfficeSummary {
        try database.writer.read { db in
            guard let office = try Self.officeSummary(db, code: code, at: now) else { throw QueueError.officeNotFound(code) }
            return office
        }
    }

    /// The appointment slots of an office's service on a day (`YYYY-MM-DD`).
    public func slots(office code: String, service: String, day: String, at now: Date) throws -> [SlotAvailability] {
        try database.writer.read { db in
            let office = try OfficeFacts.load(db, code: code)
            let offered = try OfferedService.load(db, office: code, service: service)
            guard offered.takesAppointments else { throw QueueError.appointmentsNotOffered(service: service) }
            guard let weekday = ServiceDay.weekday(of: day, timeZone: office.timeZone) else {
                throw QueueError.invalidField(field: "date", reason: "The date must be a real day written YYYY-MM-DD.")
            }
            let today = office.serviceDay(now)
            let closed = try office.holiday(db, day: day) != nil
            return try Row.fetchAll(db.cachedStatement(sql: """
                SELECT s.id, s.starts_at, s.ends_at, s.capacity,
                       (SELECT count(*) FROM token t WHERE t.slot_id = s.id AND t.service_day = ? AND t.state != 'cancelled') AS booked
                FROM appointment_slot s WHERE s.office_code = ? AND s.service_code = ? AND s.weekday = ? ORDER BY s.starts_at
                """), arguments: [day, code, service, weekday]).map { row in
                let ends: Int = row["ends_at"]
                let capacity: Int = row["capacity"]
                let past = closed || day < today.day || (day == today.day && ends <= today.minuteOfDay)
                return SlotAvailability(id: row["id"], day: day, starts: Self.clock(row["starts_at"]), ends: Self.clock(ends),
                                        capacity: capacity, placesLeft: max(0, capacity - (row["booked"] as Int)), isPast: past)
            }
        }
    }

    /// The required documents of a service, in order.
    static func documents(_ db: Database, service: String) throws -> [LocalizedName] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT name_en, name_gu, name_hi FROM service_document WHERE service_code = ? ORDER BY position"),
                         arguments: [service]).map { LocalizedName(en: $0["name_en"], gu: $0["name_gu"], hi: $0["name_hi"]) }
    }

    static func officeSummary(_ db: Database, code: String, at now: Date) throws -> OfficeSummary? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM office WHERE code = ?"), arguments: [code]) else { return nil }
        let facts = try OfficeFacts.load(db, code: code)
        let moment = facts.serviceDay(now)
        let open = try facts.holiday(db, day: moment.day) == nil && facts.isOpen(db, at: moment)
        let hours = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT weekday, opens_at, closes_at FROM office_hours WHERE office_code = ? ORDER BY weekday, opens_at
            """), arguments: [code]).map {
            OfficeSummary.Hours(weekday: $0["weekday"], opens: clock($0["opens_at"]), closes: clock($0["closes_at"]))
        }
        let services = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT s.* FROM service s JOIN office_service os ON os.service_code = s.code WHERE os.office_code = ? ORDER BY s.code
            """), arguments: [code]).map { service in
            ServiceSummary(code: service["code"], tokenPrefix: service["token_prefix"],
                           names: LocalizedName(en: service["name_en"], gu: service["name_gu"], hi: service["name_hi"]),
                           typicalMinutes: service["typical_minutes"], takesAppointments: service["takes_appointments"],
                           requiredDocuments: try documents(db, service: service["code"]),
                           fees: (service["fees_en"] as String?).map {
                               LocalizedName(en: $0, gu: service["fees_gu"] ?? $0, hi: service["fees_hi"] ?? $0)
                           })
        }
        return OfficeSummary(
            code: code, discom: row["discom_code"],
            names: LocalizedName(en: row["name_en"], gu: row["name_gu"], hi: row["name_hi"]),
            address: LocalizedName(en: row["address_en"], gu: row["address_gu"], hi: row["address_hi"]),
            timeZone: row["time_zone"], isOpenNow: open, hours: hours, services: services)
    }

    /// Minutes after midnight as `HH:MM` (1440 is `24:00`).
    public static func clock(_ minutes: Int) -> String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }

    /// `HH:MM` (00:00 to 24:00) as minutes after midnight: the other way from `clock`, for office
    /// hours and counters' planned days alike.
    public static func minutes(ofClock text: String) -> Int? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":")
        guard parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
              (0...24).contains(hours), (0...59).contains(minutes), hours * 60 + minutes <= 1440 else { return nil }
        return hours * 60 + minutes
    }
}
