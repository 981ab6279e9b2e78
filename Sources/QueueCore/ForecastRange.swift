import Foundation

/// How uncertain the forecast is: the office played again a few dozen times with durations drawn
/// as they really vary (each service's spread of recent times, the share of citizens who do not
/// come), giving each token and each service's newcomer an 80 % range of call times.
struct ForecastRange: Sendable {
    /// Plays per range: enough for stable 10th and 90th percentiles.
    static let plays = 40

    /// By token id: the 10th and 90th percentile of its call time (seconds after `computedAt`), and the median.
    var tokens: [Int64: (range: ClosedRange<Double>, median: Double)]
    /// By service number: the same for a newcomer.
    var newcomers: [Int: (range: ClosedRange<Double>, median: Double)]
    /// The picture version and moment it was worked out from.
    let version: Int64
    let computedAt: Date

    /// The range of a wait at `now` (it was worked out at `computedAt`), never below nothing.
    static func shifted(_ range: ClosedRange<Double>, by elapsed: Double) -> ClosedRange<Double> {
        max(0, range.lowerBound - elapsed)...max(0, range.upperBound - elapsed)
    }

    static func work(_ plan: ForecastPlan, office: LiveOffice, seed: UInt64) -> ForecastRange {
        // The tokens here now come first in every drawn plan, at the same indices.
        let present = plan.presentCount
        // By token, its call time in each play: token `i`'s are `times[i * plays ..< (i + 1) * plays]`
        // (one array for the whole range, not one growing array a token).
        var times = [Double](repeating: 0, count: present * plays)
        let services = plan.callSeconds.count
        var idle = [[Double]](repeating: [], count: services)
        var durations = SampledDurations(office: office, plan: plan, seed: seed)
        var arrivals = SeededRandom(seed: seed &+ 1)
        let serving = (0..<services).map(plan.counterIndices(serving:))
        for play in 0..<plays {
            let result = plan.drawingArrivals(&arrivals).play(durations: &durations)
            for (index, call) in result.byToken.prefix(present).enumerated() {
                // Not reached today counts as later than any time of the day.
                times[index * plays + play] = call.afterClosing ? .infinity : call.at ?? .infinity
            }
            for service in 0..<services where !serving[service].isEmpty {
                idle[service].append(serving[service].compactMap { result.idleAt[$0] }.min() ?? .infinity)
            }
        }
        var tokens: [Int64: (range: ClosedRange<Double>, median: Double)] = [:]
        var here = plan.tokens.makeIterator()
        for index in 0..<present {
            guard let token = here.next() else { break }
            if let range = interval(&times[index * plays ..< (index + 1) * plays]) { tokens[token.candidate.tokenID] = range }
        }
        var newcomers: [Int: (range: ClosedRange<Double>, median: Double)] = [:]
        for service in 0..<services { if let range = interval(&idle[service][...]) { newcomers[service] = range } }
        return ForecastRange(tokens: tokens, newcomers: newcomers, version: office.version, computedAt: plan.now)
    }

    /// The 10th to 90th percentile and the median, if they fall within the day.
    private static func interval(_ values: inout ArraySlice<Double>) -> (range: ClosedRange<Double>, median: Double)? {
        guard !values.isEmpty else { return nil }
        values.sort()
        let sorted = values, first = values.startIndex
        let at = { (share: Double) in sorted[first + Int((Double(sorted.count - 1) * share).rounded())] }
        let low = at(0.1), high = at(0.9)
        return high.isFinite ? (low...high, at(0.5)) : nil
    }
}

/// Durations drawn for one play: a log-normal service time with the service's recent spread around
/// its recent mean, the walk to the counter, and now and then a citizen who does not come.
struct SampledDurations: ForecastDurations {
    var random: SeededRandom
    /// By service number.
    let serviceSeconds: [Double]
    let sigma: [Double]
    let pace: OfficePace

    init(office: LiveOffice, plan: ForecastPlan, seed: UInt64) {
        random = SeededRandom(seed: seed)
        var seconds = [Double](repeating: 600, count: plan.callSeconds.count)
        var sigma = [Double](repeating: Self.priorSigma, count: plan.callSeconds.count)
        for (service, number) in office.serviceNumbers where number < seconds.count {
            seconds[number] = office.serviceSeconds[service] ?? 600
            sigma[number] = Self.spread(of: office.recentServiceTimes[service] ?? [])
        }
        serviceSeconds = seconds
        self.sigma = sigma
        pace = office.pace
    }

    /// The spread (log-normal shape) of service times before there are enough of them.
    static let priorSigma = 0.5

    /// The log-normal shape of a list of durations, weighed against the prior as five durations would be.
    static func spread(of milliseconds: [Int64]) -> Double {
        let logs = milliseconds.filter { $0 > 0 }.map { log(Double($0)) }
        guard logs.count >= 3 else { return priorSigma }
        let mean = logs.reduce(0, +) / Double(logs.count)
        let squares = logs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
        return sqrt((squares + priorSigma * priorSigma * 5) / (Double(logs.count - 1) + 5))
    }

    mutating func seconds(service: Int, expected: Double) -> Double {
        if random.chance(pace.noShowShare) { return pace.noShowSeconds }
        return pace.walkSeconds + draw(service)
    }

    /// A service time: log-normal, its mean the recent mean.
    private mutating func draw(_ service: Int) -> Double {
        let shape = sigma[service]
        return random.logNormal(median: serviceSeconds[service] * exp(-shape * shape / 2), sigma: shape)
    }

    /// The citizen at the counter takes what is left of a service time longer than they have had.
    mutating func freeAt(_ counter: ForecastPlan.Counter) -> Double {
        guard let busy = counter.busy else { return counter.freeAt }
        if busy.called { return max(0, pace.walkSeconds - busy.elapsed) + draw(busy.service) }
        for _ in 0..<20 {
            let total = draw(busy.service)
            if total > busy.elapsed { return total - busy.elapsed }
        }
        return counter.freeAt
    }
}
