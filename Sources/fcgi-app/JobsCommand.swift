import ArgumentParser
import FastCGI
import Foundation
import QueueCore

/// `fcgi-app jobs`: the scheduled jobs of an office day (`OfficeDayJobs`), run once by hand or listed;
/// `fcgi-app worker` runs them as they fall due.
struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Run the scheduled jobs: day-end at each office's closing, retention, purges, WAL checkpoint.",
        subcommands: [RunOnce.self, List.self])

    /// What every jobs subcommand shares.
    struct Options: ParsableArguments {
        @OptionGroup var database: DatabaseOption

        @Option(help: "Days a token's personal data is kept after its day (env: GUVNL_RETENTION_DAYS).")
        var retentionDays: Int = Environment.int("GUVNL_RETENTION_DAYS") ?? OfficeDayJobs.Settings.defaultRetentionDays

        @Option(help: "Seconds a runner holds a job; a runner killed mid-job delays it by this much (env: GUVNL_JOB_LEASE_SECONDS).")
        var leaseSeconds: Int = Environment.int("GUVNL_JOB_LEASE_SECONDS") ?? 300

        func validate() throws {
            guard (1...3650).contains(retentionDays) else { throw ValidationError("--retention-days must be from 1 to 3650.") }
            guard (10...3600).contains(leaseSeconds) else { throw ValidationError("--lease-seconds must be from 10 to 3600.") }
        }

        func jobs() throws -> OfficeDayJobs {
            let appDatabase = try database.open()
            guard try appDatabase.health().isCurrent else {
                throw StartupError("The database \(database) needs migrating: run `fcgi-app migrate` first.")
            }
            return OfficeDayJobs(queue: Queue(database: appDatabase),
                                 settings: .init(retentionDays: retentionDays, leaseSeconds: Double(leaseSeconds)))
        }
    }

    struct RunOnce: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run", abstract: "Run the jobs that are due now, once, and print what each did.")

        @OptionGroup var options: Options

        @Option(help: ArgumentHelp(
            "Run as if it were this moment (ISO 8601, such as 2026-12-07T18:30:00+05:30): for tests and for rehearsing a day-end.",
            valueName: "moment"))
        var testingClock: String?

        func run() throws {
            var now = Date()
            if let testingClock {
                guard let moment = ISO8601DateFormatter().date(from: testingClock) else {
                    throw ValidationError("--testing-clock must be an ISO 8601 moment with its offset, such as 2026-12-07T18:30:00+05:30.")
                }
                now = moment
            }
            let runs = try options.jobs().runDueJobs(at: now)
            if runs.isEmpty { print("no job is due") }
            for run in runs { print(run) }
            if runs.contains(where: { $0.outcome != .ok }) { throw ExitCode(1) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show each job: when it is due, its lease and its last run.")

        @OptionGroup var options: Options

        func run() throws {
            let format = ISO8601DateFormatter()
            for job in try options.jobs().jobs() {
                let target = job.scope.isEmpty ? job.name : "\(job.name) \(job.scope)"
                var line = "\(target): due \(format.string(from: job.dueAt)), runs \(job.runs)"
                if let outcome = job.lastOutcome { line += ", last \(outcome) (\(job.rowsAffected) rows)" }
                if let error = job.lastError { line += ": \(error)" }
                if let owner = job.leaseOwner, let until = job.leaseUntil { line += ", held by \(owner) until \(format.string(from: until))" }
                print(line)
            }
        }
    }
}
