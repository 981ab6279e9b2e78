import Foundation
import Logging
import QueueCore

/// Runs the due scheduled jobs every few seconds on a thread of its own, until stopped; a job in
/// hand is finished first (a job cut short by a kill runs again after its lease).
final class ScheduledJobsLoop: @unchecked Sendable {
    private let jobs: OfficeDayJobs
    private let interval: Double
    private let logger: Logger
    private let stopping = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)

    init(jobs: OfficeDayJobs, interval: Double, logger: Logger) {
        self.jobs = jobs
        self.interval = interval
        self.logger = logger
    }

    func start() {
        Thread { [self] in
            repeat {
                do {
                    for run in try jobs.runDueJobs(at: Date()) {
                        logger.info("scheduled job", metadata: ["run": "\(run)"])
                    }
                } catch {
                    // The database was busy or unwritable for a moment: the next look tries again.
                    logger.warning("scheduled jobs could not run", metadata: ["error": "\(type(of: error))"])
                }
            } while stopping.wait(timeout: .now() + interval) == .timedOut
            stopped.signal()
        }.start()
    }

    /// Returns once the job in hand, if any, is done.
    func stop() {
        stopping.signal()
        stopped.wait()
    }
}
