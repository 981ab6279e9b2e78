import Foundation
import QueueCore

/// Watches the offices' queues from the worker's process and writes "your turn is near" once a
/// token's people-before-you fall to its office's threshold (a setting, default 3), and "unlikely
/// to be reached today" once the forecast no longer reaches it before closing. It follows other
/// processes' commits through the events table (`LiveOffices.catchUp`): the first look covers every
/// office, later looks only the offices that changed, and every office again each minute, since
/// time alone moves the order (waiting ages every token).
public final class TurnNearWatch: @unchecked Sendable {
    private let queue: Queue
    /// Every office's threshold when given (trials and tests); otherwise each office's own.
    private let threshold: Int?
    private var lastFullLook: Date?

    public init(queue: Queue, threshold: Int? = nil) {
        self.queue = queue
        self.threshold = threshold
    }

    /// One look; returns how many tokens were newly told their turn is near, and how many that the
    /// office is unlikely to reach them today.
    @discardableResult
    public func look(at now: Date) throws -> (near: Int, unlikely: Int) {
        let changed = try queue.live.catchUp()
        let offices: [String]
        if lastFullLook.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
            offices = try queue.officeCodes()
            lastFullLook = now
        } else {
            offices = changed.keys.sorted()
        }
        let told = try queue.writeDerivedMessages(threshold: threshold, offices: offices, at: now)
        return (told.near.count, told.unlikely.count)
    }
}
