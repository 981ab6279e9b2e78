import Foundation
import Glibc

/// A `ResponseStream` writing to one exchange on its own thread; closes once a write fails.
final class ExchangeStream: ResponseStream, @unchecked Sendable {
    private let exchange: Exchange
    private let lifecycle: ServerLifecycle
    /// Held through a write, which blocks while the client does not read.
    private let writeLock = NSLock()
    /// Guards the state below; never held through a write, so that ending the stream never waits
    /// for a client that does not read (the worker ending it would wait with it).
    private let lock = NSLock()
    private var isClosed = false
    private var isWriting = false
    /// The connection to nginx until the stream's thread finishes the exchange (-1 after).
    private var connection: Int32

    /// Made on the worker that accepted the exchange, before the stream's thread starts.
    init(exchange: Exchange, lifecycle: ServerLifecycle) {
        self.exchange = exchange
        self.lifecycle = lifecycle
        connection = exchange.connection
    }

    func write(_ bytes: [UInt8]) throws {
        writeLock.lock(); defer { writeLock.unlock() }
        try lock.withLock {
            guard !isClosed else { throw StreamClosed() }
            isWriting = true
        }
        let written = exchange.write(bytes, flush: true)
        lock.withLock {
            isWriting = false
            if !written { isClosed = true }
        }
        if !written { throw StreamClosed() }
    }

    var isServerStopping: Bool { lifecycle.isStopping }

    func waitWhileServing(seconds: Double) -> Bool {
        lifecycle.waitWhileServing(seconds: seconds) { [self] in lock.withLock { isClosed } }
    }

    /// Ends the stream to make room for another (`StreamLedger`): its next write fails and its wait
    /// returns, so that its producer returns and the response completes. A write under way (the
    /// client does not read) is cut short, and the end of the response is sent only if the socket
    /// takes it at once: an ended stream must not keep its place, nor its thread, while it closes.
    func end() {
        lock.withLock {
            isClosed = true
            guard connection >= 0 else { return }
            let flags = fcntl(connection, F_GETFL)
            if flags >= 0 { _ = fcntl(connection, F_SETFL, flags | O_NONBLOCK) }
            if isWriting { _ = shutdown(connection, Int32(SHUT_RDWR)) }
        }
        lifecycle.wakeStreams()
    }

    /// Ends the response and closes the connection, on the stream's thread once its producer has
    /// returned. (From here `end` leaves the descriptor alone: it is closed, and may be reused.)
    func complete() {
        lock.withLock { connection = -1 }
        exchange.finish()
        // A stream's connection is not given back, even if nginx would keep it.
        exchange.closeKeptConnection()
    }
}
