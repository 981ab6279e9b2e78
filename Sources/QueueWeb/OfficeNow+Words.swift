import Foundation
import QueueCore

extension OfficeNow {
    /// The dashboard's times in words, in every language, as citizens read waits elsewhere
    /// ("2 h 6 min", "about 1 h 5 min"): the manager and the board never disagree on how a wait
    /// is said. Each service's estimate is the public snapshot's own wording (its range, "unlikely
    /// to be reached today").
    func worded(_ words: WaitText, snapshot: OfficeSnapshot, at now: Date) -> OfficeNow {
        let estimates = Dictionary(snapshot.worded(words).services.map { ($0.code, $0.waitText) }, uniquingKeysWith: { first, _ in first })
        var office = self
        for index in office.counters.indices {
            // A break so far: whole minutes, as the break limit counts them.
            office.counters[index].pausedForText = office.counters[index].pausedAt.map {
                words.durations(max(0, Int(now.timeIntervalSince($0) / 60)))
            }
        }
        for index in office.services.indices {
            let service = office.services[index]
            // Measured, not forecast: to the minute, without "about".
            office.services[index].longestWaitText = service.longestWaitMinutes.map { words.durations(Int($0.rounded())) }
            office.services[index].waitText = estimates[service.code] ?? nil
        }
        for index in office.outlook.services.indices {
            office.outlook.services[index].targetText = words.durations(office.outlook.services[index].targetMinutes)
        }
        for index in office.outlook.advice.indices {
            let seconds = office.outlook.advice[index].forecastWaitMinutes * 60
            office.outlook.advice[index].waitText = words.waits(QueuePosition(ahead: 0, openCounters: 1, serviceSeconds: 0, estimatedWaitSeconds: seconds))
        }
        return office
    }
}
