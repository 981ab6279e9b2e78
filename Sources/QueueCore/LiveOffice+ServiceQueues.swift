import Foundation

extension LiveOffice {
    /// One service's queue at an office now: how many wait, and how long the longest has waited.
    public struct ServiceQueue: Sendable, Equatable {
        public let waiting: Int
        /// Seconds since the token waiting longest joined the queue (0 when nobody waits).
        public let longestWaitSeconds: Double
    }

    /// Every offered service's queue (an empty one too, so that a gauge falls back to zero) and any
    /// other service a token waits for, by service code. From the picture: no database read.
    public func serviceQueues(at now: Date) -> [String: ServiceQueue] {
        var earliest: [String: Date] = [:]
        var counts: [String: Int] = [:]
        for token in waiting {
            let service = serviceCode(of: token)
            counts[service, default: 0] += 1
            earliest[service] = min(earliest[service] ?? token.candidate.queuedAt, token.candidate.queuedAt)
        }
        var queues: [String: ServiceQueue] = [:]
        for service in Set(offeredServices).union(counts.keys) {
            let longest = earliest[service].map { max(0, now.timeIntervalSince($0)) } ?? 0
            queues[service] = ServiceQueue(waiting: counts[service] ?? 0, longestWaitSeconds: longest)
        }
        return queues
    }
}
