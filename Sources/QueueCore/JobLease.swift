import Foundation
import GRDB

/// A runner's hold on one scheduled job (a row of `scheduled_job`) while it runs it. Taking it is
/// one write, so two runners (in this process or others, on the same database) never both hold it;
/// a runner killed while holding it leaves it to expire, after which the job, still due, is taken
/// by the next runner and run again. Every job is written so that running it twice does no harm.
public struct JobLease: Sendable, Equatable {
    public let name: String
    public let scope: String
    public let owner: String
    public let until: Date

    /// Every job there should be: each office's day-end, and the installation's own jobs (their
    /// names are `everyJobNames`).
    private static let everyJob = """
        SELECT ? AS name, code AS scope FROM office UNION ALL SELECT column1, '' FROM (VALUES (?), (?), (?))
        """
    private static let everyJobNames = [OfficeDayJobs.dayEnd, OfficeDayJobs.retention, OfficeDayJobs.purge, OfficeDayJobs.checkpoint]

    /// How many of the jobs there should be have no row yet (an office added since the last look).
    static func unregistered(_ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: """
            SELECT count(*) FROM (\(everyJob)) AS wanted
            WHERE NOT EXISTS (SELECT 1 FROM scheduled_job j WHERE j.name = wanted.name AND j.scope = wanted.scope)
            """), arguments: StatementArguments(everyJobNames)) ?? 0
    }

    /// Gives every job without a row one, in one statement; a new one is due at `due` (a new job
    /// runs at once, so that what happened before the jobs existed is caught up).
    static func registerEveryJob(_ db: Database, due: Date) throws {
        // `WHERE true`: SQLite's grammar wants it between an INSERT's SELECT and its ON CONFLICT.
        try db.cachedStatement(sql: """
            INSERT INTO scheduled_job (name, scope, due_at) SELECT name, scope, ? FROM (\(everyJob)) WHERE true
            ON CONFLICT DO NOTHING
            """).execute(arguments: StatementArguments([due.milliseconds]) + StatementArguments(everyJobNames))
    }

    /// Takes the job if it is due and nobody holds it (or their lease has run out).
    static func claim(_ db: Database, name: String, scope: String, owner: String, at now: Date, seconds: Double) throws -> JobLease? {
        let until = now.addingTimeInterval(seconds)
        try db.cachedStatement(sql: """
            UPDATE scheduled_job SET lease_owner = ?, lease_until = ?, last_started_at = ?
            WHERE name = ? AND scope = ? AND due_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
            """).execute(arguments: [owner, until.milliseconds, now.milliseconds, name, scope, now.milliseconds, now.milliseconds])
        return db.changesCount == 1 ? JobLease(name: name, scope: scope, owner: owner, until: until) : nil
    }

    /// Records the run and lets the job go until `nextDue`. Nothing is written if the lease was
    /// lost meanwhile (the run overran it and another runner took the job).
    func finish(_ db: Database, outcome: JobRun.Outcome, rowsAffected: Int, nextDue: Date, at now: Date) throws {
        let error: String? = if case .failed(let reason) = outcome { String(reason.prefix(300)) } else { nil }
        try db.cachedStatement(sql: """
            UPDATE scheduled_job SET lease_owner = NULL, lease_until = NULL, due_at = ?, last_finished_at = ?,
                last_outcome = ?, last_error = ?, rows_affected = ?, runs = runs + 1
            WHERE name = ? AND scope = ? AND lease_owner = ?
            """).execute(arguments: [nextDue.milliseconds, now.milliseconds, error == nil ? "ok" : "failed", error,
                                     rowsAffected, name, scope, owner])
    }
}

/// What one run of a scheduled job did.
public struct JobRun: Sendable, Equatable, CustomStringConvertible {
    public enum Outcome: Sendable, Equatable {
        case ok
        /// Why, in words that hold no personal data (an error's type and message, never row values).
        case failed(String)
    }

    public var name: String
    public var scope: String
    public var outcome: Outcome
    public var rowsAffected: Int
    /// How long it took, by the monotonic clock (the run's moment is the caller's `now`).
    public var seconds: Double = 0

    public var description: String {
        let target = scope.isEmpty ? name : "\(name) \(scope)"
        switch outcome {
        case .ok: return "\(target): ok, \(rowsAffected) rows in \(String(format: "%.3f", seconds)) s"
        case .failed(let reason): return "\(target): failed (\(reason))"
        }
    }
}
