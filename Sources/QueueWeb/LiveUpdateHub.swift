import Foundation
import QueueCore

/// Wakes event streams when the events table grows: at once for commits in this process (through
/// the queue's feed), and within `pollInterval` for commits by other processes on the same database.
/// Streams then read what they missed from the table itself, so an SSE id is an events row id.
final class LiveUpdateHub: @unchecked Sendable {
    private let condition = NSCondition()
    private var latest: Int64 = 0
    private var isPolling = false
    private let queue: Queue
    private let pollInterval: Double

    init(queue: Queue, pollInterval: Double = 1) {
        self.queue = queue
        self.pollInterval = pollInterval
        latest = (try? Self.maxEventID(queue)) ?? 0
        queue.feed.subscribe { [weak self] events in
            guard let self, let newest = events.map(\.id).max() else { return }
            self.advance(to: newest)
        }
        // From the start, not only once a stream waits: the offices' live pictures hear of other
        // processes' commits (a counter command, a second fcgi-app) through this check too.
        startPolling()
    }

    /// The newest event id known.
    var latestEventID: Int64 {
        condition.lock(); defer { condition.unlock() }
        return latest
    }

    /// Waits until an event newer than `id` exists or `timeout` passes; returns the newest id known.
    func wait(after id: Int64, timeout: Double) -> Int64 {
        startPolling()
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock(); defer { condition.unlock() }
        while latest <= id {
            if !condition.wait(until: deadline) { break }
        }
        return latest
    }

    private func advance(to id: Int64) {
        condition.lock()
        if id > latest {
            latest = id
            condition.broadcast()
        }
        condition.unlock()
    }

    /// One thread per process checks for other processes' commits: one indexed query a second, which
    /// also tells the offices' live pictures.
    private func startPolling() {
        condition.lock()
        let start = !isPolling
        isPolling = true
        condition.unlock()
        guard start else { return }
        let thread = Thread { [weak self] in
            while let self {
                if let changed = try? self.queue.live.catchUp(), let newest = changed.values.max() { self.advance(to: newest) }
                Thread.sleep(forTimeInterval: self.pollInterval)
            }
        }
        thread.name = "live-update-poll"
        thread.start()
    }

    private static func maxEventID(_ queue: Queue) throws -> Int64 {
        try queue.latestEventID()
    }
}
