import Foundation
import GRDB

/// The settings every booking and call reads (an office's rules and calendar, the services it offers,
/// the names and documents its messages carry), kept between transactions for as long as nothing has
/// changed them. Read inside the write lock, they took five to seven statements per booking; now a
/// booking reads `settings_generation` once (v21: every write to those tables, from any process,
/// gives it a new random value) and takes the rest from here while that value is the one they were
/// read under.
///
/// Each value is kept with the generation it was read under, so a reader on an older snapshot can
/// never hand its values to a transaction that sees newer settings.
final class SettingsCache: @unchecked Sendable {
    enum Key: Hashable {
        case office(String)
        case service(office: String, service: String)
        case calendar(office: String, from: String)
        case messageNames(office: String, service: String, language: String)
        case documents(service: String, language: String)
    }

    private let lock = NSLock()
    private var generation: Int64?
    private var values: [Key: any Sendable] = [:]
    /// Enough for every office, service and language of a state; past it the cache starts again
    /// (calendars are kept per day, so a long-running process would otherwise keep every day's).
    static let capacity = 20_000

    /// The settings as `db` reads them: through this cache when the database has a generation
    /// (every migrated one does), else read each time.
    func reading(_ db: Database) throws -> SettingsReader {
        let generation: Int64?
        do {
            generation = try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM settings_generation WHERE id = 1"))
        } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
            // A database not yet migrated to v21 (no such table): nothing can be kept.
            generation = nil
        }
        return SettingsReader(db: db, cache: generation.map { (self, $0) })
    }

    fileprivate func value<Value: Sendable>(_ key: Key, generation: Int64, load: () throws -> Value) rethrows -> Value {
        lock.lock()
        if self.generation == generation, let kept = values[key] as? Value {
            lock.unlock()
            return kept
        }
        lock.unlock()
        let value = try load()
        lock.lock()
        if self.generation != generation || values.count >= Self.capacity {
            values = [:]
            self.generation = generation
        }
        values[key] = value
        lock.unlock()
        return value
    }
}

/// The settings one transaction reads: from the cache when it holds them for the generation this
/// transaction sees, else from the database (and then kept).
struct SettingsReader {
    let db: Database
    fileprivate let cache: (SettingsCache, Int64)?

    /// Reads straight from the database, keeping nothing (for the callers outside the queue's writer).
    static func uncached(_ db: Database) -> SettingsReader { SettingsReader(db: db, cache: nil) }

    private func value<Value: Sendable>(_ key: SettingsCache.Key, load: () throws -> Value) throws -> Value {
        guard let (cache, generation) = cache else { return try load() }
        return try cache.value(key, generation: generation, load: load)
    }

    func office(_ code: String) throws -> OfficeFacts {
        try value(.office(code)) { try OfficeFacts.load(db, code: code) }
    }

    func service(office: String, service: String) throws -> OfferedService {
        try value(.service(office: office, service: service)) { try OfferedService.load(db, office: office, service: service) }
    }

    /// The office's hours and its holidays from `day` on.
    func calendar(_ office: OfficeFacts, from day: String) throws -> OfficeCalendar {
        try value(.calendar(office: office.code, from: day)) { try office.calendar(db, from: day) }
    }

    func messageNames(office: String, service: String, language: String) throws -> MessageNames {
        try value(.messageNames(office: office, service: service, language: language)) {
            try MessageNames.load(db, office: office, service: service, language: language)
        }
    }

    /// The documents to bring for a service, in a language, as one line.
    func documents(service: String, language: String) throws -> String {
        try value(.documents(service: service, language: language)) {
            try String.fetchAll(db.cachedStatement(sql: "SELECT name_\(language) FROM service_document WHERE service_code = ? ORDER BY position"),
                                arguments: [service]).joined(separator: "; ")
        }
    }
}

/// The office's and the service's names in one language, and how the office sends what citizens
/// chose as SMS: what every message of a token carries.
struct MessageNames: Sendable {
    let office: String
    let service: String
    let smsVia: MessageChannel

    /// `language` must be one of `CitizenDetails.languages` (it names a column).
    static func load(_ db: Database, office code: String, service: String, language: String) throws -> MessageNames {
        // One statement for both names (each written with every message, inside the write lock).
        let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT o.name_\(language) AS name, o.sms_via, (SELECT name_\(language) FROM service WHERE code = ?) AS service
            FROM office o WHERE o.code = ?
            """), arguments: [service, code])
        return MessageNames(office: row.flatMap { $0["name"] as String? } ?? code,
                            service: row.flatMap { $0["service"] as String? } ?? service,
                            smsVia: OfficeMessaging.smsVia(stored: row.flatMap { $0["sms_via"] }))
    }
}
