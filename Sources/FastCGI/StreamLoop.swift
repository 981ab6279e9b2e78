import CFastCGI
import Foundation
import Glibc

/// Holds every open event stream on one thread with epoll, instead of a thread per stream: a
/// stream costs its socket and a few hundred bytes, and a broadcast is one non-blocking send per
/// stream from whichever thread makes it. The loop itself only notices clients leaving (nginx
/// closes the connection) and sends what a slow client's socket could not take at once.
final class StreamLoop: @unchecked Sendable {
    /// A stream whose client has not taken this much is closed (it reconnects and resumes).
    static let maximumBacklogBytes = 256 * 1024

    private let epoll: Int32
    private let wake: Int32
    private let lock = NSLock()
    private var sinks: [UInt64: SocketSink] = [:]
    private var nextTag: UInt64 = 1
    private var stopping = false
    private let stopped = DispatchSemaphore(value: 0)

    init() throws {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wake = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard epoll >= 0, wake >= 0, guvnl_epoll_control(epoll, EPOLL_CTL_ADD, wake, 0, 0) == 0 else {
            throw FastCGIServerError.streamLoop(errno: guvnl_errno())
        }
        let thread = Thread { [self] in run() }
        thread.name = "fcgi-stream-loop"
        thread.start()
    }

    /// Takes over a connection whose response head is sent; `closed` runs once when it closes.
    func adopt(fd: Int32, requestID: UInt16, closed: @escaping @Sendable () -> Void) -> SocketSink? {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        lock.lock()
        guard !stopping else {
            lock.unlock()
            Glibc.close(fd)
            closed()
            return nil
        }
        let tag = nextTag
        nextTag += 1
        let sink = SocketSink(tag: tag, fd: fd, requestID: requestID, loop: self, closed: closed)
        sinks[tag] = sink
        lock.unlock()
        if guvnl_epoll_control(epoll, EPOLL_CTL_ADD, fd, tag, 0) != 0 { sink.abort() }
        return sink
    }

    /// Streams open now.
    var count: Int {
        lock.lock(); defer { lock.unlock() }
        return sinks.count
    }

    /// Ends every stream (each client's response completes), giving slow sockets until `deadline`
    /// to take the end, and stops the loop.
    func closeAll(until deadline: Date) {
        lock.lock()
        stopping = true
        let open = Array(sinks.values)
        lock.unlock()
        for sink in open { sink.close() }
        while count > 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        lock.lock()
        let stuck = Array(sinks.values)
        lock.unlock()
        for sink in stuck { sink.abort() }
        var one: UInt64 = 1
        _ = write(wake, &one, 8)
        stopped.wait()
    }

    func watchWritable(_ sink: SocketSink, _ writable: Bool) {
        _ = guvnl_epoll_control(epoll, EPOLL_CTL_MOD, sink.fd, sink.tag, writable ? 1 : 0)
    }

    /// Called by a sink as it closes, before its descriptor is.
    func forget(_ sink: SocketSink) {
        _ = guvnl_epoll_control(epoll, EPOLL_CTL_DEL, sink.fd, sink.tag, 0)
        lock.lock()
        sinks[sink.tag] = nil
        lock.unlock()
    }

    private func run() {
        var tags = [UInt64](repeating: 0, count: 256)
        var readable = [Int32](repeating: 0, count: 256)
        var writable = [Int32](repeating: 0, count: 256)
        while true {
            let count = guvnl_epoll_wait(epoll, &tags, &readable, &writable, 256, 1000)
            lock.lock()
            let done = stopping && sinks.isEmpty
            lock.unlock()
            if done { break }
            guard count > 0 else { continue }
            for index in 0..<Int(count) {
                if tags[index] == 0 {
                    var value: UInt64 = 0
                    _ = read(wake, &value, 8)
                    continue
                }
                lock.lock()
                let sink = sinks[tags[index]]
                lock.unlock()
                guard let sink else { continue }
                if writable[index] != 0 { sink.sendBacklog() }
                if readable[index] != 0 { sink.peerSpoke() }
            }
        }
        Glibc.close(epoll)
        Glibc.close(wake)
        stopped.signal()
    }
}

/// One event stream's connection to nginx, written without blocking.
final class SocketSink: EventSink, @unchecked Sendable {
    let tag: UInt64
    let fd: Int32
    let requestID: UInt16
    private unowned let loop: StreamLoop
    private let closedHandler: @Sendable () -> Void
    private let lock = NSLock()
    /// Records the socket did not take yet, the first one from `offset`.
    private var backlog: [[UInt8]] = []
    private var offset = 0
    private var backlogBytes = 0
    private var ending = false
    private var closed = false

    init(tag: UInt64, fd: Int32, requestID: UInt16, loop: StreamLoop, closed: @escaping @Sendable () -> Void) {
        self.tag = tag
        self.fd = fd
        self.requestID = requestID
        self.loop = loop
        closedHandler = closed
    }

    var isClosed: Bool {
        lock.lock(); defer { lock.unlock() }
        return closed || ending
    }

    func send(_ message: EventMessage) throws {
        guard !message.bytes.isEmpty else { return }
        try enqueue(message.records(for: requestID))
    }

    /// Ends the response properly (end of stdout, end of request), then closes.
    func close() {
        lock.lock()
        guard !closed, !ending else { lock.unlock(); return }
        ending = true
        backlog.append(FastCGIRecord.end(requestID: requestID))
        backlogBytes += 16
        let done = flushLocked()
        lock.unlock()
        if done == .failed || done == .flushed { finish() } else { loop.watchWritable(self, true) }
    }

    /// Ends the stream to make room for another (`StreamLedger`): tells the client's EventSource to
    /// come back in 30 s rather than at once, ends the response, and closes at once if the socket
    /// cannot take that now (a client that does not read must not hold its place while it closes).
    func makeRoom() {
        try? send(Self.comeBackLater)
        close()
        abort()
    }

    private static let comeBackLater = EventMessage(Array("retry: 30000\n\n".utf8))

    /// Closes at once, without ending the response (the client has gone, or cannot keep up).
    func abort() {
        lock.lock()
        let already = closed
        lock.unlock()
        if !already { finish() }
    }

    /// The socket can take more: send what waited.
    func sendBacklog() {
        lock.lock()
        guard !closed else { lock.unlock(); return }
        let outcome = flushLocked()
        let end = ending
        lock.unlock()
        switch outcome {
        case .failed: finish()
        case .flushed: if end { finish() } else { loop.watchWritable(self, false) }
        case .waiting: break
        }
    }

    /// nginx wrote to the connection: after the request it only ever closes it (the client left).
    func peerSpoke() {
        var scratch = [UInt8](repeating: 0, count: 512)
        let count = read(fd, &scratch, scratch.count)
        if count == 0 || (count < 0 && guvnl_errno() != EAGAIN && guvnl_errno() != EINTR) { abort() }
    }

    private func enqueue(_ record: [UInt8]) throws {
        lock.lock()
        guard !closed, !ending else { lock.unlock(); throw StreamClosed() }
        let wasEmpty = backlog.isEmpty
        backlog.append(record)
        backlogBytes += record.count
        if backlogBytes > StreamLoop.maximumBacklogBytes {
            lock.unlock()
            finish()
            throw StreamClosed()
        }
        let outcome = wasEmpty ? flushLocked() : .waiting
        lock.unlock()
        switch outcome {
        case .failed:
            finish()
            throw StreamClosed()
        case .waiting where wasEmpty:
            loop.watchWritable(self, true)
        default:
            break
        }
    }

    private enum Flush { case flushed, waiting, failed }

    /// Sends as much of the backlog as the socket takes. Called with the lock held.
    private func flushLocked() -> Flush {
        while let first = backlog.first {
            let sent = first.withUnsafeBytes { buffer in
                guvnl_send(fd, buffer.baseAddress?.advanced(by: offset), UInt(buffer.count - offset))
            }
            if sent < 0 {
                let code = guvnl_errno()
                if code == EAGAIN || code == EWOULDBLOCK { return .waiting }
                if code == EINTR { continue }
                return .failed
            }
            offset += sent
            backlogBytes -= sent
            if offset == first.count {
                backlog.removeFirst()
                offset = 0
            }
        }
        return .flushed
    }

    private func finish() {
        lock.lock()
        guard !closed else { lock.unlock(); return }
        closed = true
        backlog = []
        lock.unlock()
        loop.forget(self)
        Glibc.close(fd)
        closedHandler()
    }
}
