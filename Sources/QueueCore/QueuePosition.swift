import Foundation

/// Where a waiting token stands: who is ahead of it, and how long it will likely wait.
public struct QueuePosition: Sendable, Equatable {
    /// Tokens the ordering policy would call before this one.
    public var ahead: Int
    /// Counters open now that serve the token's service.
    public var openCounters: Int
    /// Recent mean service time of the service at this office (or its typical duration).
    public var serviceSeconds: Double
    /// nil when no counter for the service is open: no honest estimate can be given.
    public var estimatedWaitSeconds: Double?
    /// The wait as a range (an 80 % interval) when the forecast is uncertain enough to say so.
    public var estimatedWaitRange: ClosedRange<Double>?
    /// The counter likely to call it (by number), if the forecast says.
    public var likelyCounter: Int?
    /// False when the forecast says the office will not reach it before closing; nil when it cannot
    /// say (no counter serves it now).
    public var reachedToday: Bool?

    public init(ahead: Int, openCounters: Int, serviceSeconds: Double, estimatedWaitSeconds: Double?,
                likelyCounter: Int? = nil, reachedToday: Bool? = nil) {
        self.ahead = ahead
        self.openCounters = openCounters
        self.serviceSeconds = serviceSeconds
        self.estimatedWaitSeconds = estimatedWaitSeconds
        self.likelyCounter = likelyCounter
        self.reachedToday = reachedToday
    }
}
