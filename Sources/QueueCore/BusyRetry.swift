import Foundation
import GRDB

/// How a connection waits for SQLite's write lock held by another connection (fcgi-app's group
/// commit and the worker take turns at it): short sleeps that grow slowly, up to the same overall
/// deadline as before. SQLite's own busy timeout sleeps 1, 2, 5, 10, 15, 20, 25 ... 100 ms between
/// tries, far longer than either process holds the lock (a group's commit, a worker's claim: well
/// under a millisecond to a few), so a waiter slept on long after the lock was free, and a worker
/// meeting a busy writer tried only every 100 ms and sent almost nothing while bookings came
/// (README, "Messages to citizens: dispatch, and what the worker costs bookings", has the figures).
public struct BusyRetry: Sendable {
    /// The first sleep after a failed try.
    public var firstDelay: Duration = .microseconds(50)
    /// Each further sleep is this much longer than the one before, up to `longestDelay`.
    public var growth = 1.25
    /// The longest single sleep: a lock let go is found within about this long.
    public var longestDelay: Duration = .milliseconds(1)
    /// Once the sleeps add up to this, the write fails with SQLITE_BUSY (a stuck holder, a
    /// migration running): as `busy_timeout(5000)` did.
    public var deadline: Duration = .seconds(5)
    /// Sleeps; injected by tests, which release the lock from inside it and record what was asked.
    public var sleep: @Sendable (Duration) -> Void = BusyRetry.threadSleep

    public static let standard = BusyRetry()

    public init() {}

    /// The sleep before try `tries + 1`, or nil to give up; `tries` counts the failed tries so far
    /// for this lock (0 at the first), as SQLite passes it to a busy handler.
    public func delay(afterTries tries: Int) -> Duration? {
        var total = Duration.zero, delay = firstDelay, step = 0
        // The growing sleeps (a dozen or so), then the longest one repeated: counted, not looped,
        // since a long wait asks this thousands of times.
        while step < tries && delay < longestDelay {
            total += delay
            delay = min(longestDelay, delay * growth)
            step += 1
        }
        total += delay * (tries - step)
        return total + delay > deadline ? nil : delay
    }

    /// The handler GRDB installs with `sqlite3_busy_handler`: true to try again after the sleep.
    var mode: Database.BusyMode {
        .callback { [self] tries in
            guard let delay = delay(afterTries: tries) else { return false }
            sleep(delay)
            return true
        }
    }

    public static func threadSleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000)), left = timespec()
        while nanosleep(&request, &left) == -1 && errno == EINTR { request = left }
    }
}
