import Foundation
import GRDB
@testable import QueueCore

/// Another connection to a database file holding SQLite's write lock (as the other process, fcgi-app
/// or the worker, would) until `release()`; and a busy-handler policy whose sleeps are recorded
/// instead of slept, and which can let the lock go during one of them.
final class HeldWriteLock: @unchecked Sendable {
    private let held = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), letGo = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var recorded: [Duration] = []
    private var releasedAt: Int?

    /// Takes the lock on `path`, writing `note` into `table` in the held transaction.
    init(path: String, writing sql: String) throws {
        let holder = try DatabaseQueue(path: path)
        Thread { [held, release, letGo] in
            try? holder.write { db in
                try db.execute(sql: sql)
                held.signal()
                release.wait()
            }
            letGo.signal()
        }.start()
        held.wait()
    }

    /// Lets the lock go once the holder's transaction has committed.
    func releaseNow() {
        lock.lock()
        let first = releasedAt == nil
        if first { releasedAt = recorded.count }
        lock.unlock()
        guard first else { return }
        release.signal()
        letGo.wait()
    }

    /// Our busy handler, recording each sleep; the holder lets go during sleep number `releaseOn`.
    func retry(releaseOn: Int? = nil) -> BusyRetry {
        var retry = BusyRetry()
        retry.sleep = { [self] duration in
            lock.lock()
            recorded.append(duration)
            let count = recorded.count
            lock.unlock()
            if count == releaseOn { releaseNow() }
        }
        return retry
    }

    /// The sleeps the handler asked for.
    var sleeps: [Duration] {
        lock.lock(); defer { lock.unlock() }
        return recorded
    }
}
