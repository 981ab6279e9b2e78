import FastCGI
import Logging
import QueueWeb

/// What every long-running command (`serve`, `worker`) does first: block the termination signals
/// before any thread exists, so that only the main thread's sigwait sees them, and bootstrap the
/// JSON log lines (README, "Logs") to standard error (the journal) or to a log file.
enum LongRunning {
    /// The log's output, which SIGUSR1 reopens after logrotate moved the file.
    @discardableResult
    static func prepare(logLevel: String, logPath: String? = nil) throws -> LogOutput {
        TerminationSignals.block()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let output: LogOutput
        do {
            output = try logPath.map { try LogOutput(path: $0) } ?? LogOutput()
        } catch let error as LogOutputError {
            throw StartupError(error.description)
        }
        LoggingSystem.bootstrap { label in
            var handler = JSONLogHandler(label: label, output: output)
            handler.logLevel = level
            return handler
        }
        return output
    }
}
