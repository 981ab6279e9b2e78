import CFastCGI
import Foundation
import Logging

/// A FastCGI server: worker threads take requests from nginx and hand them to a `Responder`;
/// streamed responses move to a thread of their own so that a worker is never held by a stream.
///
/// nginx may keep a connection for its next requests (`fastcgi_keep_conn on`, with an upstream
/// `keepalive` pool), which spares both sides a connect, an accept and a lingering close per
/// request. A kept connection waits in an epoll set, not on a thread: libfcgi's own loop would
/// hold a worker on each idle connection, and with more kept connections than workers, requests
/// sent on the others would wait. So the workers wait on one epoll set holding the listening socket
/// and every idle kept connection, and take whichever has something first.
public final class FastCGIServer: @unchecked Sendable {
    private let configuration: ServerConfiguration
    private let responder: any Responder
    private let logger: Logger
    private let lifecycle = ServerLifecycle()
    private let workers = DispatchGroup()
    private var listeningSocket: Int32 = -1
    /// The epoll set the workers wait on: the listening socket and the idle kept connections.
    private var connections: Int32 = -1
    /// Kept connections waiting in that set for their next request (closed at stop).
    private var idle: Set<Int32> = []
    private let idleLock = NSLock()
    /// The unix socket file this server made (device and inode), to notice when it is deleted or replaced.
    private var socketFile: SocketListener.FileIdentity?
    private let onSocketLost: @Sendable () -> Void
    /// Holds the event streams (`Response.Body.events`).
    private var streamLoop: StreamLoop?
    /// How many workers may start a request at once (nil: all of them).
    private let slots: ComputeSlots?

    /// `onSocketLost` is called (once, from a watchdog thread) if the unix socket's file disappears
    /// or is replaced while serving: nginx can no longer reach this server, which should then exit
    /// so that its supervisor starts it afresh.
    public init(configuration: ServerConfiguration, responder: any Responder, logger: Logger,
                onSocketLost: @escaping @Sendable () -> Void = {}) {
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
        self.onSocketLost = onSocketLost
        let computing = configuration.computingThreads
        slots = computing > 0 && computing < configuration.threads ? ComputeSlots(computing) : nil
    }

    /// Opens the socket and starts the worker threads; returns at once.
    public func start() throws {
        FCGX_Init()
        // libfcgi installs its own SIGPIPE handling; a departed client must only fail a write.
        signal(SIGPIPE, SIG_IGN)
        streamLoop = try StreamLoop()
        listeningSocket = try SocketListener.open(configuration)
        // Non-blocking: every waiting worker may be woken for one connection, and only one gets it.
        _ = fcntl(listeningSocket, F_SETFL, fcntl(listeningSocket, F_GETFL) | O_NONBLOCK)
        connections = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard connections >= 0, guvnl_epoll_watch_listener(connections, listeningSocket) == 0 else {
            throw FastCGIServerError.cannotListen(configuration.address, errno: errno)
        }
        if case .unixSocket(let path) = configuration.address {
            socketFile = SocketListener.identity(of: path)
            startSocketWatchdog(path)
        }
        for index in 0..<max(1, configuration.threads) {
            workers.enter()
            let thread = Thread { [self] in
                acceptLoop()
                workers.leave()
            }
            thread.name = "fcgi-worker-\(index)"
            thread.start()
        }
        logger.info("listening", metadata: [
            "address": "\(configuration.address)", "threads": "\(configuration.threads)",
            "computing_threads": "\(slots == nil ? configuration.threads : configuration.computingThreads)",
        ])
    }

    /// Stops accepting, lets in-flight requests finish and open streams end, then closes the socket.
    public func stop() {
        guard lifecycle.beginStopping() else { return }
        // Wakes the workers waiting for a connection: the shut socket stays readable, and its
        // accept(2) fails. (Not FCGX_ShutdownPending: its flag is process-wide and would stop every
        // later server.)
        shutdown(listeningSocket, Int32(SHUT_RDWR))
        let deadline = Date(timeIntervalSinceNow: configuration.shutdownGraceSeconds)
        if workers.wait(timeout: .now() + configuration.shutdownGraceSeconds) == .timedOut {
            logger.warning("workers still busy at the end of the shutdown grace period")
        } else {
            // No worker can be taking one of them now.
            idleLock.lock()
            for connection in idle { close(connection) }
            idle = []
            idleLock.unlock()
            close(connections)
        }
        // Event streams end at once, properly, so that their clients reconnect to the next server.
        streamLoop?.closeAll(until: deadline)
        let stillOpen = lifecycle.waitForStreamsToClose(until: deadline)
        if stillOpen > 0 { logger.warning("streams still open at exit", metadata: ["count": "\(stillOpen)"]) }
        close(listeningSocket)
        // Only our own socket file: another server may have made a new one at that path meanwhile.
        if case .unixSocket(let path) = configuration.address, let socketFile, SocketListener.identity(of: path) == socketFile {
            unlink(path)
        }
        logger.info("stopped")
    }

    /// True once the socket file was found deleted or replaced.
    public var hasLostSocket: Bool {
        lock.lock(); defer { lock.unlock() }
        return socketLost
    }
    private let lock = NSLock()
    private var socketLost = false

    /// Once a second, checks that the socket file is still the one this server listens on.
    private func startSocketWatchdog(_ path: String) {
        let thread = Thread { [self] in
            while lifecycle.waitWhileServing(seconds: 1) {
                guard SocketListener.identity(of: path) != socketFile else { continue }
                logger.critical("the socket file was deleted or replaced; nginx cannot reach this server, so it stops",
                                metadata: ["path": "\(path)"])
                lock.lock(); socketLost = true; lock.unlock()
                onSocketLost()
                return
            }
        }
        thread.name = "fcgi-socket-watchdog"
        thread.start()
    }

    private func acceptLoop() {
        defer { slots?.giveBack() }
        while !lifecycle.isStopping {
            guard slots?.take(unless: { lifecycle.isStopping }) ?? true, !lifecycle.isStopping else { break }
            // (A second at most, so that a stop is seen even if its wake-up went to another worker.)
            let ready = guvnl_epoll_next(connections, 1000)
            guard ready >= 0 else { continue }
            let connection: Int32
            if ready == listeningSocket {
                connection = accept(listeningSocket, nil, nil)
                guard connection >= 0 else {
                    let error = errno
                    // Another worker took it, or the client left before it was accepted.
                    if error == EAGAIN || error == EWOULDBLOCK || error == EINTR || error == ECONNABORTED { continue }
                    if lifecycle.isStopping { break }
                    logger.error("accept failed", metadata: ["errno": "\(error)"])
                    _ = lifecycle.waitWhileServing(seconds: 0.05)
                    continue
                }
            } else {
                idleLock.lock()
                idle.remove(ready)
                idleLock.unlock()
                connection = ready
            }
            let exchange = Exchange(connection: connection)
            // No request on it: nginx closed a kept connection (libfcgi has closed our end).
            guard exchange.accept() else { continue }
            if serve(exchange), let kept = exchange.takeKeptConnection() { keep(kept) }
        }
    }

    /// Puts a kept connection in the set the workers wait on, until nginx sends its next request.
    private func keep(_ connection: Int32) {
        idleLock.lock()
        defer { idleLock.unlock() }
        guard !lifecycle.isStopping else { close(connection); return }
        // In the set before it is armed: the worker woken for it takes it out under this lock.
        idle.insert(connection)
        if guvnl_epoll_rearm(connections, connection) != 0 {
            idle.remove(connection)
            close(connection)
        }
    }

    /// Serves one request; true when it was finished here (not handed to a stream).
    private func serve(_ exchange: Exchange) -> Bool {
        let params = exchange.parameters()
        let limit = configuration.maxBodyBytes
        if let declared = RequestDecoding.declaredBodyLength(params), declared > limit {
            let request = RequestDecoding.request(from: params, body: [])
            return send(responder.rejectOversizedBody(of: request, limit: limit), to: exchange, for: request)
        }
        guard let body = exchange.readBody(limit: limit) else {
            let request = RequestDecoding.request(from: params, body: [])
            return send(responder.rejectOversizedBody(of: request, limit: limit), to: exchange, for: request)
        }
        let request = RequestDecoding.request(from: params, body: body)
        let response: Response
        do {
            response = try responder.respond(to: request)
        } catch {
            logger.error("request failed", metadata: [
                "request_id": "\(request.requestID)", "method": "\(request.method)",
                "path": "\(request.path)", "error": "\(type(of: error))",
            ])
            response = responder.internalError(for: request, error: error)
        }
        return send(response, to: exchange, for: request)
    }

    /// Sends a response; true when the request was finished here (not handed to a stream).
    @discardableResult
    private func send(_ response: Response, to exchange: Exchange, for request: Request) -> Bool {
        switch response.body {
        case .bytes(let bytes):
            exchange.write(ResponseHead.serialize(response, contentLength: bytes.count))
            exchange.write(bytes)
            exchange.finish()
            return true
        case .stream, .events:
            // The client as nginx's limits count it (an IPv6 address by its /64), else its address.
            let address = request.gatewayVariables["CLIENT_KEY"].flatMap { $0.isEmpty ? nil : $0 } ?? request.remoteAddress
            let admission = lifecycle.admitStream(from: address, limit: configuration.maxStreams,
                                                  perAddress: configuration.maxStreamsPerAddress,
                                                  perNetwork: configuration.maxStreamsPerNetwork,
                                                  endable: !response.keepsItsPlace)
            guard case .admitted(let id, let ending, let displaced) = admission else {
                if case .refused(let refusal) = admission {
                    logger.warning("stream refused", metadata: ["request_id": "\(request.requestID)", "reason": "\(refusal)"])
                    let refused = responder.refuseStream(of: request, because: refusal)
                    if case .bytes = refused.body { return send(refused, to: exchange, for: request) }
                }
                return send(Response(status: 503), to: exchange, for: request)
            }
            if let displaced {
                // (No address: the log keeps no personal data.)
                logger.info("stream ended to make room", metadata: ["request_id": "\(request.requestID)"])
                displaced.end()
            }
            let closed: @Sendable () -> Void = { [lifecycle] in lifecycle.streamClosed(id, from: address) }
            guard exchange.write(ResponseHead.serialize(response, contentLength: nil), flush: true) else {
                exchange.finish()
                closed()
                return true
            }
            switch response.body {
            case .stream(let produce): startStream(exchange, produce, ending: ending, closed: closed)
            case .events(let attach): hand(exchange, to: attach, ending: ending, closed: closed)
            case .bytes: break
            }
            return false
        }
    }

    /// Gives an event stream's connection to the stream loop and its sink to the application.
    private func hand(_ exchange: Exchange, to attach: @Sendable (any EventSink) -> Void, ending: StreamEnding,
                      closed: @escaping @Sendable () -> Void) {
        guard let loop = streamLoop, let (fd, requestID) = exchange.detach() else {
            exchange.finish()
            exchange.closeKeptConnection()
            closed()
            return
        }
        // From here the loop owns the connection, and counts the stream out when it closes.
        guard let sink = loop.adopt(fd: fd, requestID: requestID, closed: closed) else { return }
        ending.set { sink.makeRoom() }
        attach(sink)
    }

    /// Raises this process's soft limit on open descriptors to its hard limit (each event stream holds
    /// one); returns the limit now in force.
    public static func raiseDescriptorLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// Event streams open now.
    public var openStreams: Int { lifecycle.streamCount }

    private func startStream(_ exchange: Exchange, _ produce: @escaping @Sendable (ResponseStream) -> Void,
                             ending: StreamEnding, closed: @escaping @Sendable () -> Void) {
        let stream = ExchangeStream(exchange: exchange, lifecycle: lifecycle)
        ending.set { stream.end() }
        let thread = Thread {
            produce(stream)
            stream.complete()
            closed()
        }
        thread.stackSize = configuration.streamStackBytes
        thread.name = "fcgi-stream"
        thread.start()
    }
}
