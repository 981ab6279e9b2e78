import Foundation

/// SIGTERM, SIGINT and SIGHUP (stop), and SIGUSR1 (reopen the log file, after logrotate moved it),
/// taken by the main thread with sigwait(2) rather than by a handler: block them before any thread
/// starts (threads inherit the mask), then wait.
public enum TerminationSignals {
    private static func set() -> sigset_t {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGHUP)
        sigaddset(&signals, SIGUSR1)
        return signals
    }

    /// Blocks the termination signals in the calling thread and every thread it starts later.
    public static func block() {
        var signals = set()
        pthread_sigmask(SIG_BLOCK, &signals, nil)
    }

    /// Waits for one of the signals and returns its number.
    public static func wait() -> Int32 {
        var signals = set()
        var received: Int32 = 0
        sigwait(&signals, &received)
        return received
    }

    /// Waits up to `seconds` for a termination signal: its number, or nil when the time ran out
    /// (a loop's pause between rounds that a SIGTERM ends at once).
    public static func wait(upTo seconds: Double) -> Int32? {
        var signals = set()
        var timeout = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1_000_000_000))
        while true {
            let received = sigtimedwait(&signals, nil, &timeout)
            if received > 0 { return received }
            if errno != EINTR { return nil }
        }
    }
}
