import CoreMetrics
import Foundation
import QueueCore

/// Bookings, calls, no-shows and cancellations by office and service, counted from the changes the
/// queue's feed publishes as they commit (so a change that rolled back is never counted). Counts
/// this process's commits: each fcgi-app process is a target of its own for Prometheus.
final class QueueActivityMetrics: @unchecked Sendable {
    /// The counted kinds and their metric names.
    static let names: [EventKind: String] = [
        .booked: "guvnl_bookings_total", .called: "guvnl_calls_total",
        .noShow: "guvnl_no_shows_total", .cancelled: "guvnl_cancellations_total",
    ]

    private struct Key: Hashable {
        let kind: EventKind
        let office: String
        let service: String
    }

    private let factory: any MetricsFactory
    private let lock = NSLock()
    private var counters: [Key: CoreMetrics.Counter] = [:]

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Runs on the database's writer queue, as the feed's subscribers do: counting only.
    func count(_ events: [QueueEvent]) {
        for event in events {
            guard let kind = event.eventKind, let name = Self.names[kind] else { continue }
            let key = Key(kind: kind, office: event.officeCode, service: event.serviceCode ?? "none")
            lock.lock()
            let counter = counters[key] ?? CoreMetrics.Counter(
                label: name, dimensions: [("office", key.office), ("service", key.service)], factory: factory)
            counters[key] = counter
            lock.unlock()
            counter.increment()
        }
    }
}
