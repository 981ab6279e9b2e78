import Foundation

/// Whether the server is serving or stopping, and how many streams are still open.
/// Streams wait on it so that shutdown wakes them at once.
final class ServerLifecycle: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopping = false
    private var openStreams = 0
    private var streamsByAddress: [String: Int] = [:]
    /// Open streams per IPv6 /48 (`StreamNetwork`).
    private var streamsByNetwork: [String: Int] = [:]

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

    /// Sleeps up to `seconds`; false if the server is stopping (at once or meanwhile).
    func waitWhileServing(seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock(); defer { condition.unlock() }
        while !stopping {
            if !condition.wait(until: deadline) { return !stopping }
        }
        return false
    }

    /// Counts a new stream from `address` in, unless that would pass a cap: then says which.
    func admitStream(from address: String, limit: Int, perAddress: Int, perNetwork: Int) -> StreamRefusal? {
        let network = StreamNetwork.key(of: address)
        condition.lock(); defer { condition.unlock() }
        if openStreams >= limit { return .serverFull(limit: limit) }
        if streamsByAddress[address, default: 0] >= perAddress { return .addressFull(limit: perAddress) }
        if let network, streamsByNetwork[network, default: 0] >= perNetwork { return .networkFull(limit: perNetwork) }
        openStreams += 1
        streamsByAddress[address, default: 0] += 1
        if let network { streamsByNetwork[network, default: 0] += 1 }
        return nil
    }

    func streamClosed(from address: String) {
        let network = StreamNetwork.key(of: address)
        condition.lock()
        openStreams -= 1
        Self.takeOne(from: &streamsByAddress, at: address)
        if let network { Self.takeOne(from: &streamsByNetwork, at: network) }
        condition.broadcast()
        condition.unlock()
    }

    private static func takeOne(from counts: inout [String: Int], at key: String) {
        let left = counts[key, default: 1] - 1
        counts[key] = left > 0 ? left : nil
    }

    /// Streams open now, in all.
    var streamCount: Int {
        condition.lock(); defer { condition.unlock() }
        return openStreams
    }

    /// Waits until every stream has closed or the deadline passes; returns how many are still open.
    func waitForStreamsToClose(until deadline: Date) -> Int {
        condition.lock(); defer { condition.unlock() }
        while openStreams > 0 {
            if !condition.wait(until: deadline) { break }
        }
        return openStreams
    }
}
