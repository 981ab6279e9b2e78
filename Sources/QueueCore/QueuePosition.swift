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
}
