import CoreMetrics
import Foundation
import Prometheus
import QueueCore

/// The server's metrics, in the registry that `GET /api/metrics` writes out in Prometheus's text
/// format. What happens is recorded through swift-metrics as it happens (requests, committed queue
/// changes, stream writes, waits for the write lock); what *is* (queues, streams, files) is read
/// when Prometheus asks, from the live picture and the file system, never counted along the way.
public final class ServiceMetrics: Sendable {
    /// Where every metric of this process lives; one per application, so tests do not share one.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics backend that records into `registry`: hand it to `Queue` too.
    public let factory: PrometheusMetricsFactory
    /// The build this process runs (`guvnl_build_info{version=...}`).
    public let version: String
    /// Facts other parts of the system keep (the last backup, the worker's heartbeat).
    public let probes: OperationsProbes
    let requests: RequestMetrics
    let activity: QueueActivityMetrics

    public init(version: String = BuildVersion.current, probes: OperationsProbes = OperationsProbes()) {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            RequestMetrics.durationLabel: [.microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
                                           .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                                           .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5)],
            LiveUpdateHub.streamDelayLabel: [.milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                             .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30)],
            "guvnl_database_write_wait_seconds": [.microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(2),
                                                  .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                                  .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5)],
        ]
        self.factory = factory
        self.version = version
        self.probes = probes
        requests = RequestMetrics(factory: factory)
        activity = QueueActivityMetrics(factory: factory)
    }

    /// Counts the queue's committed changes from its feed (a change that rolled back never reaches it).
    func follow(_ feed: QueueFeed) {
        let activity = self.activity
        feed.subscribe { change in activity.count(change.events) }
    }

    /// Every metric as Prometheus's text format, with the gauges read now.
    func exposition(queue: Queue, hub: LiveUpdateHub, at now: Date) -> [UInt8] {
        readGauges(queue: queue, hub: hub, at: now)
        return registry.emitToBuffer()
    }

    private func readGauges(queue: Queue, hub: LiveUpdateHub, at now: Date) {
        gauge("guvnl_build_info", ["version": version]).record(1)
        let streams = hub.openStreams()
        gauge("guvnl_event_streams_open", ["kind": "office"]).record(streams.office)
        gauge("guvnl_event_streams_open", ["kind": "token"]).record(streams.token)
        if let path = queue.database.path {
            gauge("guvnl_database_size_bytes").record(Self.fileSize(path))
            gauge("guvnl_database_wal_size_bytes").record(Self.fileSize(path + "-wal"))
        }
        if let backup = probes.lastBackup() {
            gauge("guvnl_backup_last_success_timestamp_seconds").record(backup.timeIntervalSince1970)
        }
        if let heartbeat = probes.workerHeartbeat() {
            gauge("guvnl_worker_last_heartbeat_timestamp_seconds").record(heartbeat.timeIntervalSince1970)
        }
        if let outbox = probes.outbox() {
            gauge("guvnl_outbox_pending").record(outbox.pending)
            // Failed sends only grow (each is one spent attempt), so rate() and increase() read it as a counter.
            for (channel, failed) in outbox.failedSends {
                gauge("guvnl_outbox_failed_total", ["channel": channel]).record(failed)
            }
            for (channel, sent) in outbox.sent {
                gauge("guvnl_outbox_sent_total", ["channel": channel]).record(sent)
            }
        }
        // A database that cannot be read leaves the queue gauges as they were; requests and health say why.
        guard let targets = try? ServiceWaitTarget.all(in: queue.database) else { return }
        for target in targets {
            gauge("guvnl_queue_wait_target_seconds", ["office": target.office, "service": target.service])
                .record(Double(target.minutes * 60))
        }
        for office in Set(targets.map(\.office)).sorted() {
            guard let picture = try? queue.live.office(office, at: now) else { continue }
            for (service, line) in picture.serviceQueues(at: now) {
                let labels = ["office": office, "service": service]
                gauge("guvnl_queue_waiting_tokens", labels).record(line.waiting)
                gauge("guvnl_queue_longest_wait_seconds", labels).record(line.longestWaitSeconds)
            }
        }
    }

    private func gauge(_ name: String, _ labels: [String: String] = [:]) -> CoreMetrics.Gauge {
        CoreMetrics.Gauge(label: name, dimensions: labels.sorted { $0.key < $1.key }, factory: factory)
    }

    private static func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }
}

/// Facts that other processes keep and this one reports, each read when Prometheus asks; nil
/// leaves the metric out. `serve` wires them to the backup folder and the worker's outbox.
public struct OperationsProbes: Sendable {
    /// When the last backup finished and passed its check.
    public var lastBackup: @Sendable () -> Date?
    /// When the background worker last said it was alive.
    public var workerHeartbeat: @Sendable () -> Date?
    /// Messages not yet sent, and those sent and the send attempts that failed so far, by channel.
    public var outbox: @Sendable () -> OutboxFigures?

    public init(lastBackup: @escaping @Sendable () -> Date? = { nil },
                workerHeartbeat: @escaping @Sendable () -> Date? = { nil },
                outbox: @escaping @Sendable () -> OutboxFigures? = { nil }) {
        self.lastBackup = lastBackup
        self.workerHeartbeat = workerHeartbeat
        self.outbox = outbox
    }

    /// The probes of a server whose worker shares its database and whose backups go to `backups`.
    public static func reading(_ database: AppDatabase, backups: BackupFolder?) -> OperationsProbes {
        let deliveries = Deliveries(database: database)
        return OperationsProbes(
            lastBackup: { backups?.latest()?.time },
            workerHeartbeat: { (try? deliveries.workerStatus())?.lastBeat },
            outbox: { try? deliveries.outboxFigures() })
    }
}
