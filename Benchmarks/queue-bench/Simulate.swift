import ArgumentParser
import Foundation
import QueueCore

/// Simulated office days through QueueCore with a virtual clock: Poisson arrivals shaped by hour,
/// log-normal service times, counters opening, pausing and closing, no-shows, priority citizens and
/// appointments. Scores the wait forecast beside the pooled estimate it replaced.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Simulate office days; score the wait forecast and the pooled estimate.")

    @Option(help: "Working days to simulate per load (Monday to Friday from 30 Nov 2026).")
    var days = 20

    @Option(help: "Random seed: the same seed gives the same days.")
    var seed: UInt64 = 2026

    @Option(help: "Scales of the arrival rates, comma-separated: 0.7 keeps three counters busy most of the day; 1.0 overloads them.")
    var loads = "0.6,0.7,0.8,1.0"

    @Option(help: "Days at load 0.7 with each unplanned event (a counter closing early, a long pause).")
    var scenarioDays = 5

    func run() throws {
        Swift.print("| day | load | tokens | mean real wait | MAE at booking: forecast / pooled | bias | MAE at every change: forecast / pooled | in range | unlikely today: precision / recall | people before you exact | not reached |")
        Swift.print("|---|---|---|---|---|---|---|---|---|---|---|")
        for load in loads.split(separator: ",").compactMap({ Double($0) }) {
            Report(records: try simulate(days: days, load: load, scenario: .normal), label: "normal", load: load).print()
        }
        for scenario in [OfficeDay.Scenario.earlyClose, .longPause] {
            Report(records: try simulate(days: scenarioDays, load: 0.7, scenario: scenario), label: scenario.rawValue, load: 0.7).print()
        }
    }

    func simulate(days: Int, load: Double, scenario: OfficeDay.Scenario) throws -> [OfficeDay.Record] {
        var random = SeededRandom(seed: seed &+ UInt64(load * 1000))
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
                bench.queue.live.rangesInBackground = false  // the same days, run after run
                var office = try OfficeDay(bench: bench, midnight: day, load: load, scenario: scenario)
                records += try office.run(&random)
                simulated += 1
            }
            day = day.addingTimeInterval(86_400)
        }
        return records
    }
}

/// The scores of one set of simulated days, as one table row.
struct Report {
    let records: [OfficeDay.Record]
    let label: String
    let load: Double

    func print() {
        let reached = records.filter { $0.actualWait != nil }
        let meanWait = mean(reached.compactMap(\.actualWait)) / 60
        // At booking: tokens reached, with an estimate from both
        let told = reached.filter { $0.estimate != nil && $0.pooled != nil }
        let forecastError = mean(told.map { abs(($0.estimate ?? 0) - ($0.actualWait ?? 0)) }) / 60
        let pooledError = mean(told.map { abs(($0.pooled ?? 0) - ($0.actualWait ?? 0)) }) / 60
        let bias = mean(told.map { ($0.estimate ?? 0) - ($0.actualWait ?? 0) }) / 60
        // At every later change
        let later = reached.flatMap(\.later).filter { $0.estimate != nil && $0.pooled != nil }
        let laterForecast = mean(later.map { abs(($0.estimate ?? 0) - $0.actual) }) / 60
        let laterPooled = mean(later.map { abs(($0.pooled ?? 0) - $0.actual) }) / 60
        // The range shown (at booking and later), and how often the real wait fell inside it
        let ranged = told.compactMap { record in record.range.map { ($0, record.actualWait ?? 0) } }
            + later.compactMap { entry in entry.range.map { ($0, entry.actual) } }
        let inRange = ranged.isEmpty ? "no ranges" : String(format: "%.0f %% of %d", 100 * Double(ranged.filter { $0.0.contains($0.1) }.count) / Double(ranged.count), ranged.count)
        // "Unlikely to be reached today", said at booking
        let said = records.filter { $0.reachedToday == false }
        let missed = records.filter { $0.actualWait == nil }
        let precision = said.isEmpty ? "-" : String(format: "%.0f %%", 100 * Double(said.filter { $0.actualWait == nil }.count) / Double(said.count))
        let recall = missed.isEmpty ? "-" : String(format: "%.0f %%", 100 * Double(missed.filter { $0.reachedToday == false }.count) / Double(missed.count))
        // "People before you" at booking against those really called first, where nobody who came later went first
        let counted = reached.filter { !$0.overtaken && $0.ahead != nil && $0.actualAhead != nil }
        let exact = counted.isEmpty ? "-" : String(format: "%.0f %% of %d", 100 * Double(counted.filter { $0.ahead == $0.actualAhead }.count) / Double(counted.count), counted.count)
        Swift.print(String(format: "| %@ | %.1f | %d | %.1f min | %.1f / %.1f min (%.0f %% / %.0f %%) | %+.1f min | %.1f / %.1f min | %@ | %@ / %@ | %@ | %d |",
                           label, load, records.count, meanWait, forecastError, pooledError, 100 * forecastError / max(meanWait, 0.01),
                           100 * pooledError / max(meanWait, 0.01), bias, laterForecast, laterPooled, inRange, precision, recall, exact, missed.count))
    }

    private func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
}
