import Foundation

/// Tells subscribers in this process about queue events right after their transaction commits.
/// (The live-update hub also follows the events table, for changes made by other processes.)
public final class QueueFeed: @unchecked Sendable {
    public typealias Subscriber = @Sendable ([QueueEvent]) -> Void

    private let lock = NSLock()
    private var subscribers: [UInt64: Subscriber] = [:]
    private var nextID: UInt64 = 0

    public init() {}

    /// Registers a subscriber; keep the id to unsubscribe.
    @discardableResult
    public func subscribe(_ subscriber: @escaping Subscriber) -> UInt64 {
        lock.lock(); defer { lock.unlock() }
        nextID += 1
        subscribers[nextID] = subscriber
        return nextID
    }

    public func unsubscribe(_ id: UInt64) {
        lock.lock(); subscribers[id] = nil; lock.unlock()
    }

    func publish(_ events: [QueueEvent]) {
        guard !events.isEmpty else { return }
        lock.lock()
        let current = Array(subscribers.values)
        lock.unlock()
        for subscriber in current { subscriber(events) }
    }
}
