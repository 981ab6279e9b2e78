import Foundation

/// How often and how far apart a failed message is tried again: exponential backoff with jitter
/// (half the delay fixed, half random, so that messages failed together do not return together),
/// up to a number of attempts, after which the message is given up.
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    /// The delay after the first failed attempt; each further failure doubles it.
    public var baseSeconds: Double
    public var maxDelaySeconds: Double

    public init(maxAttempts: Int = 6, baseSeconds: Double = 30, maxDelaySeconds: Double = 3600) {
        self.maxAttempts = maxAttempts
        self.baseSeconds = baseSeconds
        self.maxDelaySeconds = maxDelaySeconds
    }

    /// The wait before the next attempt after `attempts` attempts; `unit` is a random number in 0..<1.
    /// A channel that said when to come back (`Retry-After`) is not tried sooner than that, but never
    /// later than the longest wait: a service asking for a day does not hold a citizen's message a day.
    public func delay(afterAttempts attempts: Int, unit: Double, notSoonerThan asked: Double? = nil) -> Double {
        let full = min(maxDelaySeconds, baseSeconds * pow(2, Double(max(0, attempts - 1))))
        let backoff = full / 2 + full / 2 * unit
        guard let asked, asked > backoff else { return backoff }
        return min(asked, maxDelaySeconds)
    }
}
