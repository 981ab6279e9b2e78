import ArgumentParser
import Foundation
import QueueCore

/// Simulated office days through QueueCore with a virtual clock: Poisson arrivals shaped by hour,
/// log-normal service times, counters opening, pausing and closing, no-shows, priority citizens and
/// appointments. Reports how far the wait estimate given at booking was from the real wait.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Simulate office days; report estimate error and longest waits.")

    @Option(help: "Working days to simulate (Monday to Friday from 30 Nov 2026).")
    var days = 10

    @Option(help: "Random seed: the same seed gives the same days.")
    var seed: UInt64 = 2026

    @Option(help: "Scale of the arrival rates: 0.7 keeps three counters busy most of the day; 1.0 overloads them.")
    var load = 0.7

    func run() throws {
        var random = SeededRandom(seed: seed)
        var records: [OfficeDay.Record] = []
        var day = ServiceDay.midnight(of: "2026-11-30", timeZone: OfficeDay.india) ?? Date()
        var simulated = 0
        while simulated < days {
            let weekday = ServiceDay(day.addingTimeInterval(3600), timeZone: OfficeDay.india).weekday
            if weekday <= 5 {
                // A fresh database a day: whatever an overloaded day leaves cannot leak into the next.
                let bench = try BenchDatabase()
                defer { bench.remove() }
                try bench.execute("UPDATE office_service SET daily_cap = 100000")
                var office = try OfficeDay(bench: bench, midnight: day, load: load)
                records += try office.run(&random)
                simulated += 1
            }
            day = day.addingTimeInterval(86_400)
        }
        Report(records: records, days: days).print()
    }
}

/// Summary figures of a simulation.
struct Report {
    let records: [OfficeDay.Record]
    let days: Int

    func print() {
        let estimated = records.compactMap { record in record.estimate.map { (record, $0) } }
        let errors = estimated.map { abs($0.1 - $0.0.actualWait) / 60 }
        let mae = errors.reduce(0, +) / Double(max(1, errors.count))
        let meanWait = records.map(\.actualWait).reduce(0, +) / Double(max(1, records.count)) / 60
        Swift.print("days: \(days), tokens called: \(records.count), with an estimate at booking: \(estimated.count)")
        Swift.print(String(format: "mean real wait: %.1f min; mean absolute error of the estimate: %.1f min", meanWait, mae))
        let bias = estimated.map { ($0.1 - $0.0.actualWait) / 60 }.reduce(0, +) / Double(max(1, estimated.count))
        Swift.print(String(format: "estimate error p50 %.1f min, p90 %.1f min; mean signed error (estimate - real) %+.1f min",
                           percentile(errors, 0.5), percentile(errors, 0.9), bias))
        for kind in ["walk-in", "priority", "appointment"] {
            let waits = records.filter { $0.kind == kind }.map { $0.actualWait / 60 }
            guard !waits.isEmpty else { continue }
            Swift.print(String(format: "%@: %d tokens, mean wait %.1f min, p90 %.1f min, longest %.1f min",
                               kind, waits.count, waits.reduce(0, +) / Double(waits.count),
                               percentile(waits, 0.9), waits.max() ?? 0))
        }
    }

    private func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
    }
}
