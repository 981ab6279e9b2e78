import Foundation

/// Tells subscribers in this process about each committed change to the queues, in commit order, as
/// the transaction commits (before the change's caller gets its answer, so a writer reads its own
/// write). Subscribers run on the database's writer queue: they must be quick and must not use the
/// database. (The live-update hub also follows the events table, for changes made elsewhere.)
public final class QueueFeed: @unchecked Sendable {
    public typealias Subscriber = @Sendable (QueueChange) -> Void

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

    func publish(_ change: QueueChange) {
        guard !change.events.isEmpty else { return }
        lock.lock()
        // In the order they subscribed: the live pictures (the queue's own, first) are up to date
        // before a stream is woken to read them.
        let current = subscribers.sorted { $0.key < $1.key }.map(\.value)
        lock.unlock()
        for subscriber in current { subscriber(change) }
    }
}

/// What one committed transaction appended to the events table: its events in id order (no
/// personal data), and for each office the newest event id it had before them, so that a listener
/// can tell whether it missed a change made elsewhere in between.
public struct QueueChange: Sendable {
    public let events: [QueueEvent]
    public let precedingEventID: [String: Int64]
    /// The tokens and counters the events concern, as the transaction left them, so that an office's
    /// live picture can take the change in without loading again. Personal data stays in this process:
    /// nothing here is sent anywhere.
    let tokens: [Token]
    let counters: [Counter]
    /// For each token the change leaves at a counter (called or being served): whether the citizen
    /// was told of the call, as the transaction saw it (see `LiveOffices.toldAsCommitted`).
    var toldOfCall: [Int64: [CounterDesk.MessageStatus]] = [:]
}
