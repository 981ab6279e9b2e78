import ArgumentParser
import Foundation
import QueueCore

/// What a live picture costs to load and to answer from, with a queue of a given length (no HTTP).
struct Picture: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load time of an office's live picture and of its answers.")

    @Option(help: "Citizens waiting.")
    var waiting = 3000

    @Option(help: "Staffed counters at the office, all serving bill complaints (the demo office has 3; live-bench uses 16).")
    var counters = 3

    @Option(help: "Forecast plays to time (raise it to profile the play with perf record).")
    var plays = 200

    func run() throws {
        let bench = try BenchDatabase()
        defer { bench.remove() }
        try bench.execute("UPDATE office_service SET daily_cap = 100000")
        // Counters beyond the demo's, every one serving bill complaints, as live-bench adds them.
        if counters > 3 {
            for number in 4...counters {
                try bench.execute("INSERT INTO counter (office_code, number, state) VALUES ('VAD-247', \(number), 'open')")
            }
            try bench.execute("INSERT OR IGNORE INTO counter_service SELECT id, 'bill-complaint' FROM counter WHERE office_code = 'VAD-247'")
        }
        let start = ISO8601DateFormatter().date(from: "2026-11-30T05:30:00Z") ?? Date()
        for index in 0..<waiting {
            _ = try bench.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: ["bill-complaint", "meter-complaint"][index % 2],
                                                    citizen: CitizenDetails(name: "Citizen", phone: String(9_000_000_000 + index))),
                                     at: start.addingTimeInterval(Double(index)))
        }
        let now = start.addingTimeInterval(Double(waiting) + 60)
        func time(_ label: String, _ repeats: Int, _ work: () throws -> Void) rethrows {
            let began = Date()
            for _ in 0..<repeats { try work() }
            print(String(format: "%@: %.3f ms", label, Date().timeIntervalSince(began) * 1000 / Double(repeats)))
        }
        // A clerk at each counter, so that the forecast plays them.
        let clerk = Actor.staff(id: 1, username: "bench")
        for number in 1...max(3, counters) {
            if let counter = try bench.queue.counterID(office: "VAD-247", number: number) {
                try bench.queue.heartbeat(counter: counter, actor: clerk, at: now)
            }
        }
        let live = bench.queue.live
        try time("load the picture", 20) { live.forget(); _ = try live.office("VAD-247", at: now) }
        // What each committed change costs the first booking answered from it: the office played
        // forward once (its plan built, then played), on a picture already loaded.
        let office = try live.office("VAD-247", at: now)
        var called = 0
        time("one forecast play (plan built and played)", plays) { called = office.forecastCalls(at: now) }
        print("  (\(called) citizens called in the play, \(max(3, counters)) counters)")
        try time("load it and work out every position", 20) { live.forget(); _ = try live.positions(office: "VAD-247", at: now) }
        try time("load it and work out the snapshot", 20) { live.forget(); _ = try live.snapshot(office: "VAD-247", at: now) }
        // What each key press at a counter answers: its desk (the first 50 it would call, and the count).
        if let counter = try bench.queue.counterID(office: "VAD-247", number: 1) {
            _ = try bench.queue.desk(counter: counter, at: now)
            try time("a counter's desk", 2000) { _ = try bench.queue.desk(counter: counter, at: now) }
        }
        try time("book a walk-in and read its place", 200) {
            let token = try bench.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint",
                                                    citizen: CitizenDetails(name: "Citizen", phone: String(8_000_000_000 + Int.random(in: 0..<999_999_999)))), at: now)
            _ = try bench.queue.status(of: token, at: now)
        }
    }
}
