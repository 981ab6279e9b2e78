import QueueCore

extension OfficeNow {
    /// The dashboard's times in words, in every language, as citizens read waits elsewhere
    /// ("2 h 6 min", "about 1 h 5 min"): the manager and the board never disagree on how a wait
    /// is said. Each service's estimate is the public snapshot's own wording (its range, "unlikely
    /// to be reached today").
    func worded(_ words: WaitText, snapshot: OfficeSnapshot) -> OfficeNow {
        let estimates = Dictionary(snapshot.worded(words).services.map { ($0.code, $0.waitText) }, uniquingKeysWith: { first, _ in first })
        var now = self
        for index in now.services.indices {
            let service = now.services[index]
            // Measured, not forecast: to the minute, without "about".
            now.services[index].longestWaitText = service.longestWaitMinutes.map { words.durations(Int($0.rounded())) }
            now.services[index].waitText = estimates[service.code] ?? nil
        }
        for index in now.outlook.services.indices {
            now.outlook.services[index].targetText = words.durations(now.outlook.services[index].targetMinutes)
        }
        for index in now.outlook.advice.indices {
            let seconds = now.outlook.advice[index].forecastWaitMinutes * 60
            now.outlook.advice[index].waitText = words.waits(QueuePosition(ahead: 0, openCounters: 1, serviceSeconds: 0, estimatedWaitSeconds: seconds))
        }
        return now
    }
}
