import CoreMetrics
import Foundation

/// Requests by route template, method and status, and their latency by route and method. The
/// swift-metrics handles are made once per label set and kept: the hot path takes one short lock
/// for a dictionary look-up, then records with the handles' own atomics and per-series locks.
final class RequestMetrics: @unchecked Sendable {
    static let countLabel = "guvnl_http_requests_total"
    static let durationLabel = "guvnl_http_request_duration_seconds"

    private struct Key: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    private struct Handles {
        let count: CoreMetrics.Counter
        let duration: CoreMetrics.Timer
    }

    private let factory: any MetricsFactory
    private let lock = NSLock()
    private var handles: [Key: Handles] = [:]

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func record(route: String, method: String, status: Int, nanoseconds: Int64) {
        let key = Key(route: route, method: Self.knownMethods.contains(method) ? method : "other", status: status)
        lock.lock()
        let known = handles[key]
        lock.unlock()
        let series = known ?? make(key)
        series.count.increment()
        series.duration.recordNanoseconds(nanoseconds)
    }

    /// Methods are labels as they are only when HTTP defines them: a client may send any word.
    private static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    private func make(_ key: Key) -> Handles {
        let made = Handles(
            count: CoreMetrics.Counter(label: Self.countLabel, dimensions: [
                ("method", key.method), ("route", key.route), ("status", String(key.status)),
            ], factory: factory),
            duration: CoreMetrics.Timer(label: Self.durationLabel, dimensions: [
                ("method", key.method), ("route", key.route),
            ], factory: factory))
        lock.lock(); defer { lock.unlock() }
        if let raced = handles[key] { return raced }
        handles[key] = made
        return made
    }
}
