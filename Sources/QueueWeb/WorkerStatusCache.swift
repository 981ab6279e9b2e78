import Foundation

/// The message worker's last heartbeat and the messages waiting, kept for a second: health checks
/// come many times a second (load balancers, boards), the heartbeat changes every few seconds.
final class WorkerStatusCache: @unchecked Sendable {
    typealias Status = (lastBeat: Date?, pending: Int)

    private let lock = NSLock()
    private var kept: (status: Status, at: Date)?

    func status(at now: Date, read: () throws -> Status) -> Status? {
        lock.lock()
        if let kept, abs(now.timeIntervalSince(kept.at)) < 1 { lock.unlock(); return kept.status }
        lock.unlock()
        guard let status = try? read() else { return nil }
        lock.lock()
        kept = (status, now)
        lock.unlock()
        return status
    }
}
