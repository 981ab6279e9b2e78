import Foundation
import GRDB

/// Loads a catalogue into the database in one transaction: discoms, services and their documents,
/// offices with hours, offered services, counters and appointment slots are created or updated.
/// Tokens and events are never touched; counters and slots no longer listed are kept (closed) or
/// removed only when nothing refers to them, so history stays intact.
public enum CatalogImport {
    /// What an import changed, for the operator.
    public struct Summary: Sendable, Equatable {
        public var discoms = 0, services = 0, offices = 0, counters = 0, slots = 0
    }

    public static func apply(_ catalog: Catalog, to database: AppDatabase) throws -> Summary {
        guard catalog.version == Catalog.formatVersion else {
            throw CatalogError.unsupportedVersion(catalog.version)
        }
        return try database.write { db in
            var summary = Summary()
            for discom in catalog.discoms {
                try db.execute(sql: """
                    INSERT INTO discom (code, name_en, name_gu, name_hi) VALUES (?, ?, ?, ?)
                    ON CONFLICT(code) DO UPDATE SET name_en = excluded.name_en, name_gu = excluded.name_gu, name_hi = excluded.name_hi
                    """, arguments: [discom.code, discom.names.en, discom.names.gu, discom.names.hi])
                summary.discoms += 1
            }
            for service in catalog.services {
                try db.execute(sql: """
                    INSERT INTO service (code, token_prefix, name_en, name_gu, name_hi, typical_minutes, takes_appointments,
                        fees_en, fees_gu, fees_hi)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(code) DO UPDATE SET token_prefix = excluded.token_prefix, name_en = excluded.name_en,
                        name_gu = excluded.name_gu, name_hi = excluded.name_hi, typical_minutes = excluded.typical_minutes,
                        takes_appointments = excluded.takes_appointments, fees_en = excluded.fees_en,
                        fees_gu = excluded.fees_gu, fees_hi = excluded.fees_hi
                    """, arguments: [service.code, service.tokenPrefix, service.names.en, service.names.gu, service.names.hi,
                                     service.typicalMinutes, service.takesAppointments, service.fees?.en, service.fees?.gu,
                                     service.fees?.hi])
                try db.execute(sql: "DELETE FROM service_document WHERE service_code = ?", arguments: [service.code])
                for (position, document) in service.requiredDocuments.enumerated() {
                    try db.execute(sql: "INSERT INTO service_document VALUES (?, ?, ?, ?, ?)",
                                   arguments: [service.code, position, document.en, document.gu, document.hi])
                }
                summary.services += 1
            }
            for office in catalog.offices {
                try importOffice(db, office, services: catalog.services, summary: &summary)
            }
            return summary
        }
    }

    private static func importOffice(_ db: Database, _ office: Catalog.Office, services: [Catalog.Service],
                                     summary: inout Summary) throws {
        try db.execute(sql: """
            INSERT INTO office (code, discom_code, name_en, name_gu, name_hi, address_en, address_gu, address_hi, time_zone)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(code) DO UPDATE SET discom_code = excluded.discom_code, name_en = excluded.name_en,
                name_gu = excluded.name_gu, name_hi = excluded.name_hi, address_en = excluded.address_en,
                address_gu = excluded.address_gu, address_hi = excluded.address_hi, time_zone = excluded.time_zone
            """, arguments: [office.code, office.discom, office.names.en, office.names.gu, office.names.hi,
                             office.address.en, office.address.gu, office.address.hi, office.timeZone])
        try db.execute(sql: "DELETE FROM office_hours WHERE office_code = ?", arguments: [office.code])
        for hours in office.hours {
            try db.execute(sql: "INSERT INTO office_hours VALUES (?, ?, ?, ?)",
                           arguments: [office.code, hours.weekday, hours.opens, hours.closes])
        }
        let offered = Set(office.services.map(\.code))
        for service in office.services {
            try db.execute(sql: """
                INSERT INTO office_service (office_code, service_code, daily_cap) VALUES (?, ?, ?)
                ON CONFLICT DO UPDATE SET daily_cap = excluded.daily_cap
                """, arguments: [office.code, service.code, service.dailyCap])
        }
        // A service the office no longer offers: its slots go too (bookings keep their slot time).
        for code in try String.fetchAll(db, sql: "SELECT service_code FROM office_service WHERE office_code = ?",
                                        arguments: [office.code]) where !offered.contains(code) {
            try db.execute(sql: "DELETE FROM office_service WHERE office_code = ? AND service_code = ?", arguments: [office.code, code])
        }
        for plan in office.counters {
            try db.execute(sql: "INSERT INTO counter (office_code, number) VALUES (?, ?) ON CONFLICT DO NOTHING",
                           arguments: [office.code, plan.number])
            let id = try Counter.id(db, office: office.code, number: plan.number)
            let services = plan.services.filter(offered.contains)
            // Kept as the administrators left it unless the Markdown changed since the last import.
            if try changedInCatalog(db, office.code, "counter \(plan.number)", services.sorted().joined(separator: ",")) {
                try db.execute(sql: "DELETE FROM counter_service WHERE counter_id = ?", arguments: [id])
                for service in services {
                    try db.execute(sql: "INSERT INTO counter_service VALUES (?, ?)", arguments: [id, service])
                }
            } else {
                // Services the office stopped offering leave its counters whatever the administrators set.
                try db.execute(sql: """
                    DELETE FROM counter_service WHERE counter_id = ? AND service_code NOT IN
                        (SELECT service_code FROM office_service WHERE office_code = ?)
                    """, arguments: [id, office.code])
            }
            // Its planned day, likewise kept as the administrators left it unless the Markdown changed.
            if let id, plan.pauses != nil || plan.closes != nil {
                let schedule = try CounterSchedule.parse(pauses: plan.pauses ?? [], closes: plan.closes)
                let written = (schedule.pauses.map(\.text) + [schedule.closesAt.map(Queue.clock) ?? ""]).joined(separator: ";")
                if try changedInCatalog(db, office.code, "counter \(plan.number) schedule", written) {
                    try schedule.save(db, counter: id)
                }
            }
            summary.counters += 1
        }
        // How it tells citizens, likewise kept as the settings page left it unless the Markdown changed.
        if let messaging = office.messaging,
           try changedInCatalog(db, office.code, "messaging", "\(messaging.turnNearAhead) \(messaging.smsVia.rawValue)") {
            try messaging.validated().save(db, office: office.code)
        }
        try importSlots(db, office, services: services, summary: &summary)
        summary.offices += 1
    }

    /// Slots of `slotMinutes` with `slotCapacity` places across the opening hours, for each offered
    /// service that takes appointments. Existing slots keep their ids (bookings count against them).
    private static func importSlots(_ db: Database, _ office: Catalog.Office, services: [Catalog.Service],
                                    summary: inout Summary) throws {
        let appointmentServices = Set(services.filter(\.takesAppointments).map(\.code))
        let capacityChanged = try changedInCatalog(db, office.code, "slot capacity", String(office.slotCapacity))
        var wanted: Set<String> = []
        for service in office.services where appointmentServices.contains(service.code) {
            for hours in office.hours {
                for start in stride(from: hours.opens, through: hours.closes - office.slotMinutes, by: office.slotMinutes) {
                    try db.execute(sql: """
                        INSERT INTO appointment_slot (office_code, service_code, weekday, starts_at, ends_at, capacity)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT(office_code, service_code, weekday, starts_at) DO UPDATE SET
                            ends_at = excluded.ends_at, capacity = CASE WHEN ? THEN excluded.capacity ELSE capacity END
                        """, arguments: [office.code, service.code, hours.weekday, start, start + office.slotMinutes,
                                         office.slotCapacity, capacityChanged])
                    wanted.insert("\(service.code)/\(hours.weekday)/\(start)")
                    summary.slots += 1
                }
            }
        }
        for row in try Row.fetchAll(db, sql: "SELECT id, service_code, weekday, starts_at FROM appointment_slot WHERE office_code = ?",
                                    arguments: [office.code]) {
            let key = "\(row["service_code"] as String)/\(row["weekday"] as Int)/\(row["starts_at"] as Int)"
            if !wanted.contains(key) {
                try db.execute(sql: "DELETE FROM appointment_slot WHERE id = ?", arguments: [row["id"] as Int64])
            }
        }
    }
}

extension CatalogImport {
    /// True (and remembered) when the catalogue's value differs from what the last import set.
    static func changedInCatalog(_ db: Database, _ office: String, _ key: String, _ value: String) throws -> Bool {
        let last = try String.fetchOne(db, sql: "SELECT value FROM catalog_plan WHERE office_code = ? AND key = ?", arguments: [office, key])
        guard last != value else { return false }
        try db.execute(sql: "INSERT INTO catalog_plan VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value",
                       arguments: [office, key, value])
        return true
    }
}

/// Why a catalogue could not be imported.
public enum CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    case unsupportedVersion(Int)

    public var description: String {
        switch self {
        case .unsupportedVersion(let version):
            "catalog.json has format version \(version); this fcgi-app reads version \(Catalog.formatVersion)"
        }
    }
}
