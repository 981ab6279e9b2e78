import Foundation
import GRDB

/// The scheduled jobs of an office day, run by whichever long-running process calls
/// `runDueJobs(at:)` every few seconds (`fcgi-app worker`):
///
/// - `day-end`, per office, at its closing in its time zone: open tokens of the day expire.
/// - `retention`, daily at 03:00 India time: personal data older than the retention period is erased.
/// - `purge`, hourly: expired staff sessions, old sign-in attempts and booking keys are deleted.
/// - `checkpoint`, every ten minutes: the write-ahead log is checkpointed and truncated.
///
/// Each job runs under a lease (`JobLease`), so several runners may call this at once; a job whose
/// time passed while nothing ran is due, and runs once, when a runner returns.
public struct OfficeDayJobs: Sendable {
    public static let dayEnd = "day-end"
    public static let retention = "retention"
    public static let purge = "purge"
    public static let checkpoint = "checkpoint"

    /// How the jobs run, per installation.
    public struct Settings: Sendable {
        /// Days a token's personal data is kept after its service day (DESIGN decision 7).
        public var retentionDays: Int
        /// How long a runner holds a job; a runner killed mid-job delays it by this much at most.
        public var leaseSeconds: Double
        /// Who holds the leases this runner takes (host and process, for the operator).
        public var owner: String

        public static let defaultRetentionDays = 90

        public init(retentionDays: Int = Self.defaultRetentionDays, leaseSeconds: Double = 300,
                    owner: String = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)") {
            self.retentionDays = retentionDays
            self.leaseSeconds = leaseSeconds
            self.owner = owner
        }
    }

    /// A failed job is tried again after this long rather than on every call.
    static let retrySeconds: Double = 60

    public let queue: Queue
    public let settings: Settings

    public init(queue: Queue, settings: Settings = Settings()) {
        self.queue = queue
        self.settings = settings
    }

    /// Runs every job that is due at `now` and that no other runner holds, one after another, and
    /// says what each did. A job's failure is recorded on its row and does not stop the others.
    @discardableResult
    public func runDueJobs(at now: Date) throws -> [JobRun] {
        let writer = queue.database.writer
        // A tick writes only when there is something to write: a new office's day-end, or a job's run.
        var (unregistered, due) = try writer.read { db in (try JobLease.unregistered(db), try Self.due(db, at: now)) }
        if unregistered > 0 {
            due = try writer.write { db in
                try JobLease.registerEveryJob(db, due: now)
                return try Self.due(db, at: now)
            }
        }
        var runs: [JobRun] = []
        for job in due {
            guard let lease = try writer.write({ db in
                try JobLease.claim(db, name: job.name, scope: job.scope, owner: settings.owner, at: now, seconds: settings.leaseSeconds)
            }) else { continue }
            var run = JobRun(name: job.name, scope: job.scope, outcome: .ok, rowsAffected: 0)
            var nextDue = now.addingTimeInterval(Self.retrySeconds)
            let started = ContinuousClock.now
            do {
                (run.rowsAffected, nextDue) = try perform(job.name, scope: job.scope, at: now)
            } catch {
                run.outcome = .failed(Self.describe(error))
            }
            let took = started.duration(to: ContinuousClock.now).components
            run.seconds = Double(took.seconds) + Double(took.attoseconds) / 1e18
            try writer.write { db in
                try lease.finish(db, outcome: run.outcome, rowsAffected: run.rowsAffected, nextDue: nextDue,
                                 at: now.addingTimeInterval(run.seconds))
            }
            runs.append(run)
        }
        return runs
    }

    /// The jobs due at `now` that no runner holds, soonest first.
    private static func due(_ db: Database, at now: Date) throws -> [(name: String, scope: String)] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT name, scope FROM scheduled_job WHERE due_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
            ORDER BY due_at, name, scope
            """), arguments: [now.milliseconds, now.milliseconds]).map { ($0["name"], $0["scope"]) }
    }

    /// Runs one job; returns the rows it changed and when it is next due.
    private func perform(_ name: String, scope: String, at now: Date) throws -> (Int, Date) {
        switch name {
        case Self.dayEnd:
            let (expired, nextClosing) = try queue.endDay(office: scope, at: now)
            return (expired, nextClosing)
        case Self.retention:
            let cutoff = now.addingTimeInterval(-Double(settings.retentionDays) * 86_400)
            let erased = try PersonalDataErasure.erase(queue.database.writer, tokensBefore: ServiceDay(cutoff, timeZone: OfficeFacts.india).day,
                                                       eventsBefore: cutoff)
            return (erased, Self.nextRetention(after: now))
        case Self.purge:
            return (try queue.database.write { db in try Housekeeping.purge(db, at: now) }, now.addingTimeInterval(3600))
        case Self.checkpoint:
            return (try Housekeeping.checkpoint(queue.database.writer), now.addingTimeInterval(600))
        default:
            throw JobError.unknownJob(name)
        }
    }

    /// 03:00 India time, the quietest hour, after `now`.
    static func nextRetention(after now: Date) -> Date {
        let india = OfficeFacts.india
        let today = ServiceDay(now, timeZone: india).day
        if let midnight = ServiceDay.midnight(of: today, timeZone: india), midnight.addingTimeInterval(3 * 3600) > now {
            return midnight.addingTimeInterval(3 * 3600)
        }
        return (ServiceDay.end(of: today, timeZone: india) ?? now.addingTimeInterval(86_400)).addingTimeInterval(3 * 3600)
    }

    /// An error in words fit for the job's row and a log line: its type and message, never values.
    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return "database: \(error.resultCode) \(error.message ?? "")" }
        return "\(type(of: error)): \(error)"
    }

    /// Each job's row, for `fcgi-app jobs list`.
    public func jobs() throws -> [ScheduledJob] {
        try queue.database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM scheduled_job ORDER BY name, scope").map(ScheduledJob.init(row:))
        }
    }
}

/// Errors of the scheduled jobs.
public enum JobError: Error, Equatable, CustomStringConvertible {
    case unknownJob(String)

    public var description: String {
        switch self {
        case .unknownJob(let name): "no job is called \(name)"
        }
    }
}
