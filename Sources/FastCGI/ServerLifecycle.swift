import Foundation

/// Whether the server is serving or stopping, and how many streams are still open.
/// Streams wait on it so that shutdown wakes them at once.
final class ServerLifecycle: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopping = false
    private var ledger = StreamLedger()

    var isStopping: Bool {
        condition.lock(); defer { condition.unlock() }
        return stopping
    }

    /// Marks the server as stopping; false if it already was.
    func beginStopping() -> Bool {
        condition.lock(); defer { condition.unlock() }
        guard !stopping else { return false }
        stopping = true
        condition.broadcast()
        return true
    }

    /// Sleeps up to `seconds`; false if the server is stopping or `ended` becomes true (at once or meanwhile).
    func waitWhileServing(seconds: Double, unless ended: () -> Bool = { false }) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock(); defer { condition.unlock() }
        while !stopping && !ended() {
            if !condition.wait(until: deadline) { return !stopping && !ended() }
        }
        return false
    }

    /// Counts a new stream from `address` in, unless that would pass a cap: then says which. When the
    /// server is full, the answer may name another holder's stream to end for it (`StreamLedger`).
    func admitStream(from address: String, limit: Int, perAddress: Int, perNetwork: Int, endable: Bool) -> StreamLedger.Admission {
        condition.lock(); defer { condition.unlock() }
        return ledger.admit(from: address, limit: limit, perAddress: perAddress, perNetwork: perNetwork, endable: endable)
    }

    func streamClosed(_ id: UInt64, from address: String) {
        condition.lock()
        ledger.close(id, from: address)
        condition.broadcast()
        condition.unlock()
    }

    /// Wakes the streams waiting in `waitWhileServing`, for one that was ended to look.
    func wakeStreams() {
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    /// Streams open now, in all.
    var streamCount: Int {
        condition.lock(); defer { condition.unlock() }
        return ledger.open
    }

    /// Waits until every stream has closed or the deadline passes; returns how many are still open.
    func waitForStreamsToClose(until deadline: Date) -> Int {
        condition.lock(); defer { condition.unlock() }
        while ledger.open > 0 {
            if !condition.wait(until: deadline) { break }
        }
        return ledger.open
    }
}
