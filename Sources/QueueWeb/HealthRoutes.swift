import FastCGI
import Foundation
import QueueCore

/// `GET /api/healthz`: can this server serve (503 when the database cannot be written, the disk is
/// full or a migration is pending), and, with 200, what an operator should look at soon: a low disk,
/// an old or missing backup, a stopped message worker (`warnings`);
/// `GET /api/healthz/events`: the same as a server-sent-event stream, for boards and kiosks
/// that show whether they are connected.
enum HealthRoutes {
    struct Health: Encodable {
        let status: String
        let schemaVersion: String
        let appliedMigrations: Int
        let pendingMigrations: [String]
        let offices: Int
        /// Free space on the database's disk, in bytes.
        let diskFreeBytes: Int64?
        let diskTotalBytes: Int64?
        let diskFreePercent: Double?
        let lastBackup: LastBackup?
        /// The message worker, reported but never a reason for 503 (DESIGN, decision 8).
        let worker: WorkerHealth?
        /// What does not stop serving but needs an operator: `disk_low`, `backup_missing`, `backup_old`,
        /// `worker_stopped`.
        let warnings: [String]
        let time: Date

        enum CodingKeys: String, CodingKey {
            case status, offices, time, worker
            case schemaVersion = "schema_version"
            case appliedMigrations = "applied_migrations"
            case pendingMigrations = "pending_migrations"
            case diskFreeBytes = "disk_free_bytes"
            case diskTotalBytes = "disk_total_bytes"
            case diskFreePercent = "disk_free_percent"
            case lastBackup = "last_backup"
            case warnings
        }
    }

    /// The newest backup in the backup folder and its age.
    struct LastBackup: Encodable {
        let time: Date
        let ageSeconds: Int

        enum CodingKeys: String, CodingKey {
            case time
            case ageSeconds = "age_seconds"
        }
    }

    struct WorkerHealth: Encodable {
        /// `running` (a heartbeat within the last 30 s), `stopped`, or `never_started`.
        let state: String
        let lastHeartbeat: Date?
        /// Messages not yet sent: waiting, being sent, or failed and due again.
        let pendingMessages: Int

        enum CodingKeys: String, CodingKey {
            case state
            case lastHeartbeat = "last_heartbeat"
            case pendingMessages = "pending_messages"
        }

        static let staleSeconds: Double = 30

        init?(_ services: AppServices) {
            guard let status = services.workerStatus.status(at: services.now(), read: {
                try Deliveries(database: services.database).workerStatus()
            }) else { return nil }
            lastHeartbeat = status.lastBeat
            pendingMessages = status.pending
            if let beat = status.lastBeat {
                state = services.now().timeIntervalSince(beat) <= Self.staleSeconds ? "running" : "stopped"
            } else {
                state = "never_started"
            }
        }
    }

    struct Unavailable: Encodable {
        let status: String
        let reason: String
        let time: Date
    }

    static let intervalRange = 0.5...300.0

    static func register(in router: inout Router) {
        router.add("GET", "/api/healthz") { context in
            switch check(context.services) {
            case .success(let health):
                return JSON.response(status: health.status == "ok" ? 200 : 503, health)
            case .failure(let unavailable):
                return JSON.response(status: 503, unavailable.body)
            }
        }
        router.add("GET", "/api/healthz/events", stream)
    }

    private static func check(_ services: AppServices) -> Result<Health, UnavailableError> {
        do {
            let database = try services.database.health(at: services.now())
            // Not serving: migrations pending, or nothing can be saved (disk full, file not writable).
            let status = !database.isCurrent ? "migrations_pending" : database.storageProblem?.rawValue ?? "ok"
            let now = services.now()
            let backup = services.backups?.latest()
            var warnings: [String] = []
            if database.isDiskLow { warnings.append("disk_low") }
            if services.backups != nil {
                if let backup {
                    if backup.age(at: now) > BackupStore.staleAfter { warnings.append("backup_old") }
                } else {
                    warnings.append("backup_missing")
                }
            }
            // The worker is reported, never a reason for 503: bookings go on while it is down.
            let worker = database.isCurrent ? WorkerHealth(services) : nil
            if worker?.state == "stopped" { warnings.append("worker_stopped") }
            return .success(Health(
                status: status, schemaVersion: database.schemaVersion, appliedMigrations: database.appliedMigrations,
                pendingMigrations: database.pendingMigrations, offices: database.officeCount,
                diskFreeBytes: database.freeBytes, diskTotalBytes: database.totalBytes, diskFreePercent: database.freePercent,
                lastBackup: backup.map { LastBackup(time: $0.time, ageSeconds: max(0, Int($0.age(at: now)))) },
                worker: worker, warnings: warnings, time: now))
        } catch {
            return .failure(UnavailableError(body: Unavailable(
                status: "unavailable", reason: "The database cannot be read.", time: services.now())))
        }
    }

    struct UnavailableError: Error { let body: Unavailable }

    private static func parseInterval(_ text: String?) throws -> Double {
        guard let text else { return 15 }
        guard let value = Double(text), intervalRange.contains(value) else {
            throw APIError.invalidField("interval", "interval must be a number of seconds from 0.5 to 300.")
        }
        return value
    }

    private static func stream(_ context: RequestContext) throws -> Response {
        let interval = try parseInterval(context.query["interval"])
        // Ids keep rising across reconnections so that a client never sees one twice.
        let resumeAfter = LastEventID.parse(context.request.header("last-event-id")) ?? 0
        let services = context.services
        return Response(status: 200, headers: ServerSentEvent.headers, body: .events { sink in
            services.healthStreams.attach(sink, interval: interval, resumeAfter: resumeAfter) {
                switch check(services) {
                case .success(let health): JSON.encode(health)
                case .failure(let unavailable): JSON.encode(unavailable.body)
                }
            }
        })
    }
}
