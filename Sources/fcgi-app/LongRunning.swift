import FastCGI
import Logging

/// How a long-running command starts: the termination signals blocked before any thread exists
/// (so that only the main thread's sigwait sees them), and log lines to standard error.
enum LongRunning {
    static func prepare(logLevel: String) {
        TerminationSignals.block()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
