import Foundation
import GRDB
@testable import QueueCore

/// A fresh, file-backed database (WAL, real concurrency) with the demo offices, for one test.
final class QueueFixture: @unchecked Sendable {
    let path: String
    let database: AppDatabase
    let queue: Queue
    let clerk = Actor.staff(id: 1, username: "clerk")

    /// 11:00 in Vadodara (IST) on Monday 30 November 2026.
    static let mondayMorning = ISO8601DateFormatter().date(from: "2026-11-30T05:30:00Z") ?? Date()

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("queue-\(UUID().uuidString).sqlite").path
        database = try AppDatabase.open(path: path)
        try database.migrate()
        try DemoData.install(in: database)
        queue = Queue(database: database)
    }

    deinit {
        for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Writes straight to the database, around the queue (as an import would): the live pictures
    /// are forgotten, since no event tells them of it.
    func execute(_ sql: String, _ arguments: StatementArguments = []) throws {
        try database.writer.write { db in try db.execute(sql: sql, arguments: arguments) }
        queue.live.forget()
    }

    func counterID(_ office: String, _ number: Int) throws -> Int64 {
        try database.writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM counter WHERE office_code = ? AND number = ?", arguments: [office, number])
        } ?? -1
    }

    /// The demo appointment slot of a service at an office, by weekday (1 = Monday) and local start hour.
    func slotID(weekday: Int, hour: Int, service: String = "new-lt-connection", office: String = "VAD-247") throws -> Int64 {
        try database.writer.read { db in
            try Int64.fetchOne(db, sql: """
                SELECT id FROM appointment_slot WHERE office_code = ? AND service_code = ? AND weekday = ? AND starts_at = ?
                """, arguments: [office, service, weekday, hour * 60])
        } ?? -1
    }

    /// A new counter serving the given services, open.
    func openCounter(_ office: String, _ number: Int, serving services: [String]) throws -> Int64 {
        try execute("INSERT INTO counter (office_code, number, state) VALUES (?, ?, 'open')", [office, number])
        let id = try counterID(office, number)
        for service in services { try execute("INSERT INTO counter_service VALUES (?, ?)", [id, service]) }
        return id
    }

    static func citizen(_ index: Int = 0, priority: PriorityCategory = .none) -> CitizenDetails {
        CitizenDetails(name: "Citizen \(index)", phone: String(9_000_000_000 + index), priority: priority)
    }

    func walkIn(_ service: String = "bill-complaint", office: String = "VAD-247", citizen index: Int = 0,
                priority: PriorityCategory = .none, at date: Date = mondayMorning) throws -> Token {
        try queue.book(BookingRequest(officeCode: office, serviceCode: service,
                                      citizen: Self.citizen(index, priority: priority)), at: date)
    }

    func events(of tokenID: Int64) throws -> [Row] {
        try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM event WHERE token_id = ? ORDER BY id", arguments: [tokenID])
        }
    }
}

extension Date {
    func plus(minutes: Double) -> Date { addingTimeInterval(minutes * 60) }
}

/// Collects what concurrent callbacks hand it.
final class Collected<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Element] = []
    func append(contentsOf more: [Element]) { lock.lock(); items += more; lock.unlock() }
    var all: [Element] { lock.lock(); defer { lock.unlock() }; return items }
}
