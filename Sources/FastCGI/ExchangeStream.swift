import Foundation

/// A `ResponseStream` writing to one exchange on its own thread; closes once a write fails.
final class ExchangeStream: ResponseStream, @unchecked Sendable {
    private let exchange: Exchange
    private let lifecycle: ServerLifecycle
    private let lock = NSLock()
    private var isClosed = false

    init(exchange: Exchange, lifecycle: ServerLifecycle) {
        self.exchange = exchange
        self.lifecycle = lifecycle
    }

    func write(_ bytes: [UInt8]) throws {
        lock.lock(); defer { lock.unlock() }
        guard !isClosed else { throw StreamClosed() }
        if !exchange.write(bytes, flush: true) {
            isClosed = true
            throw StreamClosed()
        }
    }

    var isServerStopping: Bool { lifecycle.isStopping }

    func waitWhileServing(seconds: Double) -> Bool {
        lifecycle.waitWhileServing(seconds: seconds) { [self] in lock.withLock { isClosed } }
    }

    /// Ends the stream to make room for another (`StreamLedger`): its next write fails and its wait
    /// returns, so that its producer returns and the response completes.
    func end() {
        lock.withLock { isClosed = true }
        lifecycle.wakeStreams()
    }
}
