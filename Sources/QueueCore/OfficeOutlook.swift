import Foundation

/// What the manager needs from the forecast, live: each service's forecast wait for a citizen
/// joining now against its target, the waiting citizens the office will likely not reach before
/// closing, the counters left open with nobody at them, and, while a service is over its target,
/// which counter opening now (or ending its pause, or getting its clerk back) would bring it back.
public struct OfficeOutlook: Sendable, Equatable, Encodable {
    public struct Service: Sendable, Equatable, Encodable {
        public var code: String
        public var targetMinutes: Int
        /// A newcomer's forecast wait; nil with no staffed counter for it.
        public var forecastWaitMinutes: Double?
        public var overTarget: Bool
        /// Waiting citizens of this service the forecast calls only after closing.
        public var unreachedToday: Int
        /// The target in each language (filled in by the web layer).
        public var targetText: LocalizedName? = nil
    }

    public struct Advice: Sendable, Equatable, Encodable {
        /// `open` (closed now), `end_pause` (paused), `attend` (open with nobody at it).
        public var action: String
        public var counter: Int
        public var service: String
        /// The service's forecast wait with that counter serving from now.
        public var forecastWaitMinutes: Double
        /// That wait in each language (filled in by the web layer).
        public var waitText: LocalizedName? = nil
    }

    public var services: [Service]
    /// Open counters with no clerk at them (no heartbeat or action for three minutes), by number.
    public var unattendedCounters: [Int]
    /// Waiting citizens the office will likely not reach before it closes today.
    public var unreachedToday: Int
    public var advice: [Advice]
}

extension LiveOffice {
    func outlook(at now: Date, answers: OfficeAnswers) -> OfficeOutlook {
        let newcomers = answers.newcomers(offeredServices)
        let positions = answers.allPositions()
        var unreached: [String: Int] = [:]
        for entry in waiting where positions[entry.id]?.reachedToday == false { unreached[serviceCode(of: entry), default: 0] += 1 }
        let services = zip(offeredServices, newcomers).map { code, newcomer in
            let target = targetMinutes[code] ?? 30
            let wait = newcomer.estimatedWaitSeconds.map { $0 / 60 }
            return OfficeOutlook.Service(code: code, targetMinutes: target, forecastWaitMinutes: wait,
                                         overTarget: newcomer.reachedToday == false || (wait ?? 0) > Double(target)
                                             || (wait == nil && (serviceNumbers[code].map { number in waiting.contains { $0.serviceNumber == number } } ?? false)),
                                         unreachedToday: unreached[code] ?? 0)
        }
        // For each service over its target, the counters not serving now that could serve it.
        let playing = answers.playingCounters()
        var advice: [OfficeOutlook.Advice] = []
        // Baselines from the play with mean durations, as each "what if" is.
        let asPlayed = OfficeAnswers(self, at: now)
        for service in services where service.overTarget {
            let baseline = asPlayed.newcomer(service: service.code).estimatedWaitSeconds ?? .infinity
            var best: OfficeOutlook.Advice?
            for counter in counters where !playing.contains(counter.id) && counter.services.contains(service.code) {
                let opened = OfficeAnswers(self, at: now, opening: counter.id).newcomer(service: service.code)
                guard let seconds = opened.estimatedWaitSeconds, opened.reachedToday != false,
                      seconds < baseline else { continue }
                let action = counter.state == .closed ? "open" : counter.state == .paused ? "end_pause" : "attend"
                if seconds / 60 < best?.forecastWaitMinutes ?? .infinity {
                    best = OfficeOutlook.Advice(action: action, counter: counter.number, service: service.code, forecastWaitMinutes: seconds / 60)
                }
            }
            // The one counter that helps this service most.
            if let best { advice.append(best) }
        }
        return OfficeOutlook(services: services, unattendedCounters: unattendedCounters(at: now).map(\.number),
                             unreachedToday: unreached.values.reduce(0, +), advice: advice)
    }
}
