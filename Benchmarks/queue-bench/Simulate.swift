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

    @Flag(help: "After each load, where the error at booking comes from: by people before, hour, service and kind.")
    var breakdown = false

    func run() throws {
        Swift.print("| day | load | tokens | mean real wait | MAE at booking: forecast / pooled | bias | MAE at every change: forecast / pooled | in range | unlikely today: precision / recall | people before you exact | own service before you exact | not reached |")
        Swift.print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        var breakdowns: [Report] = []
        for load in loads.split(separator: ",").compactMap({ Double($0) }) {
            let report = Report(records: try simulate(days: days, load: load, scenario: .normal), label: "normal", load: load)
            report.print()
            breakdowns.append(report)
        }
        for scenario in [OfficeDay.Scenario.earlyClose, .longPause] {
            Report(records: try simulate(days: scenarioDays, load: 0.7, scenario: scenario), label: scenario.rawValue, load: 0.7).print()
        }
        if breakdown { for report in breakdowns { report.printBreakdown() } }
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
        // Those of its own service the policy put before it, against those of its service really called first
        let own = reached.filter { !$0.overtaken && $0.sameAhead != nil && $0.actualSameAhead != nil }
        let ownExact = own.isEmpty ? "-" : String(format: "%.0f %% of %d", 100 * Double(own.filter { $0.sameAhead == $0.actualSameAhead }.count) / Double(own.count), own.count)
        Swift.print(String(format: "| %@ | %.1f | %d | %.1f min | %.1f / %.1f min (%.0f %% / %.0f %%) | %+.1f min | %.1f / %.1f min | %@ | %@ / %@ | %@ | %@ | %d |",
                           label, load, records.count, meanWait, forecastError, pooledError, 100 * forecastError / max(meanWait, 0.01),
                           100 * pooledError / max(meanWait, 0.01), bias, laterForecast, laterPooled, inRange, precision, recall, exact, ownExact, missed.count))
    }

    /// Where the error at booking comes from: the tokens reached, grouped. "Spread" is the error a
    /// forecast whose 80 % range were exactly right would still make (the mean absolute deviation
    /// of a normal spread whose 10th-90th percentiles are the range: 0.31 of its width).
    func printBreakdown() {
        let told = records.filter { $0.actualWait != nil && $0.estimate != nil }
        func row(_ name: String, _ group: [OfficeDay.Record]) {
            guard !group.isEmpty else { return }
            let waits = group.compactMap(\.actualWait)
            let errors = group.map { ($0.estimate ?? 0) - ($0.actualWait ?? 0) }
            let spread = mean(group.compactMap { $0.range.map { 0.312 * ($0.upperBound - $0.lowerBound) } })
            let meanWait = mean(waits) / 60, mae = mean(errors.map(abs)) / 60
            Swift.print(String(format: "| %@ | %d | %.1f min | %.1f min (%.0f %%) | %+.1f min | %.1f min |", name, group.count, meanWait, mae,
                               100 * mae / max(meanWait, 0.01), mean(errors) / 60, spread / 60))
        }
        Swift.print(String(format: "\nLoad %.1f, error at booking by group (%d tokens reached):", load, told.count))
        Swift.print("| group | tokens | mean real wait | MAE | bias | spread |")
        Swift.print("|---|---|---|---|---|---|")
        row("all", told)
        for (name, range) in [("0 before", 0...0), ("1 before", 1...1), ("2-3 before", 2...3), ("4-7 before", 4...7), ("8+ before", 8...10_000)] {
            row(name, told.filter { range.contains($0.ahead ?? -1) })
        }
        for hour in 10...18 { row("joined \(hour):00", told.filter { $0.joinedMinute / 60 == hour }) }
        for service in Set(told.map(\.service)).sorted() { row(service, told.filter { $0.service == service }) }
        for kind in Set(told.map(\.kind)).sorted() { row(kind, told.filter { $0.kind == kind }) }
        // "People before you" where nobody came later and went first: what the misses were
        let counted = records.filter { !$0.overtaken && $0.ahead != nil && $0.actualAhead != nil }
        let missed = counted.filter { $0.ahead != $0.actualAhead }
        let ownRight = missed.filter { $0.sameAhead == $0.actualSameAhead }
        Swift.print(String(format: "People before you: %d of %d not overtaken were off (by %.1f on average); in %d of them the count of their own service was exact, so the difference was in calls of other services at shared counters",
                           missed.count, counted.count, mean(missed.map { Double(abs(($0.ahead ?? 0) - ($0.actualAhead ?? 0))) }), ownRight.count))
    }

    private func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
}
