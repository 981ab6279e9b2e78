import ArgumentParser
import Foundation
import QueueCore

/// Bookings per second and calls per second straight into QueueCore, one writer thread.
struct Throughput: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bookings/s and call-next/s with one writer.")

    @Option(help: "Tokens to book in the booking run.")
    var tokens = 5000

    @Option(help: "Calls to make in the call run.")
    var calls = 2000

    @Option(help: "Citizens kept waiting during the call run (a busy office has 50-300).")
    var waiting = 200

    @Option(help: "SQLite synchronous mode: full (the default, durable) or normal.")
    var synchronous: String = "full"

    @Option(help: "SQLite secure_delete on the writer: off, fast or on (what erased values cost; README, \"Erasure\").")
    var secureDelete: String = "off"

    func validate() throws {
        guard ["off", "fast", "on"].contains(secureDelete) else { throw ValidationError("--secure-delete is off, fast or on.") }
    }

    func run() throws {
        let bench = try BenchDatabase(durability: AppDatabase.Durability(rawValue: synchronous) ?? .full)
        defer { bench.remove() }
        try bench.database.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA secure_delete = \(secureDelete)") }
        try bench.execute("UPDATE office_service SET daily_cap = 100000")
        try bench.execute("""
            INSERT INTO counter (office_code, number, state) VALUES ('VAD-247', 9, 'open');
            INSERT INTO counter_service SELECT id, 'meter-complaint' FROM counter WHERE office_code = 'VAD-247' AND number = 9;
            """)
        let counter = try bench.database.writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM counter WHERE office_code = 'VAD-247' AND number = 9")
        } ?? 0
        let start = ISO8601DateFormatter().date(from: "2026-11-30T05:30:00Z") ?? Date()
        var phone = 9_000_000_000
        func book(_ service: String, at date: Date) throws -> Token {
            phone += 1
            return try bench.queue.book(BookingRequest(
                officeCode: "VAD-247", serviceCode: service,
                citizen: CitizenDetails(name: "Citizen \(phone)", phone: String(phone))), at: date)
        }

        // The office's live picture, as the server's first reader loads it: from then on each change
        // is brought into it (a booking's cost includes that), and call next takes its head from it.
        _ = try bench.queue.live.office("VAD-247", at: start)
        let booking = Date()
        for index in 0..<tokens { _ = try book("bill-complaint", at: start.addingTimeInterval(Double(index) / 1000)) }
        let bookingSeconds = Date().timeIntervalSince(booking)

        for index in 0..<waiting { _ = try book("meter-complaint", at: start.addingTimeInterval(Double(index) / 1000)) }
        let clerk = Actor.staff(id: 1, username: "bench")
        var callSeconds = 0.0
        let later = start.addingTimeInterval(600)
        _ = try bench.queue.live.office("VAD-247", at: later)  // ten minutes on, loaded again (a picture serves a minute)
        for index in 0..<calls {
            let before = Date()
            guard let token = try bench.queue.callNext(counter: counter, actor: clerk, at: later) else { break }
            callSeconds += Date().timeIntervalSince(before)
            _ = try bench.queue.start(token: token.id, counter: counter, actor: clerk, at: later)
            _ = try bench.queue.complete(token: token.id, counter: counter, actor: clerk, at: later)
            _ = try book("meter-complaint", at: later.addingTimeInterval(Double(index) / 1000))
        }
        print(String(format: "bookings: %d in %.2f s = %.0f/s", tokens, bookingSeconds, Double(tokens) / bookingSeconds))
        print(String(format: "call next: %d in %.2f s = %.0f/s, with %d waiting", calls, callSeconds,
                     Double(calls) / callSeconds, waiting))
    }
}
