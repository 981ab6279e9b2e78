import CFastCGI
import Foundation
import Logging

/// A FastCGI server: worker threads accept requests from nginx and hand them to a `Responder`;
/// streamed responses move to a thread of their own so that a worker is never held by a stream.
public final class FastCGIServer: @unchecked Sendable {
    private let configuration: ServerConfiguration
    private let responder: any Responder
    private let logger: Logger
    private let lifecycle = ServerLifecycle()
    private let workers = DispatchGroup()
    private var listeningSocket: Int32 = -1
    /// The unix socket file this server made (device and inode), to notice when it is deleted or replaced.
    private var socketFile: SocketListener.FileIdentity?
    private let onSocketLost: @Sendable () -> Void
    /// Holds the event streams (`Response.Body.events`).
    private var streamLoop: StreamLoop?

    /// `onSocketLost` is called (once, from a watchdog thread) if the unix socket's file disappears
    /// or is replaced while serving: nginx can no longer reach this server, which should then exit
    /// so that its supervisor starts it afresh.
    public init(configuration: ServerConfiguration, responder: any Responder, logger: Logger,
                onSocketLost: @escaping @Sendable () -> Void = {}) {
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
        self.onSocketLost = onSocketLost
    }

    /// Opens the socket and starts the worker threads; returns at once.
    public func start() throws {
        FCGX_Init()
        // libfcgi installs its own SIGPIPE handling; a departed client must only fail a write.
        signal(SIGPIPE, SIG_IGN)
        streamLoop = try StreamLoop()
        listeningSocket = try SocketListener.open(configuration)
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
        ])
    }

    /// Stops accepting, lets in-flight requests finish and open streams end, then closes the socket.
    public func stop() {
        guard lifecycle.beginStopping() else { return }
        // Wakes the workers blocked in accept(2): it fails with EINVAL and libfcgi returns.
        // (Not FCGX_ShutdownPending: its flag is process-wide and would stop every later server.)
        shutdown(listeningSocket, Int32(SHUT_RDWR))
        let deadline = Date(timeIntervalSinceNow: configuration.shutdownGraceSeconds)
        if workers.wait(timeout: .now() + configuration.shutdownGraceSeconds) == .timedOut {
            logger.warning("workers still busy at the end of the shutdown grace period")
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
        while !lifecycle.isStopping {
            let exchange = Exchange(listeningSocket: listeningSocket)
            guard exchange.accept() else {
                if lifecycle.isStopping { break }
                logger.error("accept failed", metadata: ["errno": "\(errno)"])
                _ = lifecycle.waitWhileServing(seconds: 0.05)
                continue
            }
            serve(exchange)
        }
    }

    private func serve(_ exchange: Exchange) {
        let params = exchange.parameters()
        let limit = configuration.maxBodyBytes
        if let declared = RequestDecoding.declaredBodyLength(params), declared > limit {
            let request = RequestDecoding.request(from: params, body: [])
            send(responder.rejectOversizedBody(of: request, limit: limit), to: exchange, for: request)
            return
        }
        guard let body = exchange.readBody(limit: limit) else {
            let request = RequestDecoding.request(from: params, body: [])
            send(responder.rejectOversizedBody(of: request, limit: limit), to: exchange, for: request)
            return
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
        send(response, to: exchange, for: request)
    }

    private func send(_ response: Response, to exchange: Exchange, for request: Request) {
        switch response.body {
        case .bytes(let bytes):
            exchange.write(ResponseHead.serialize(response, contentLength: bytes.count))
            exchange.write(bytes)
            exchange.finish()
        case .stream, .events:
            // The client as nginx's limits count it (an IPv6 address by its /64), else its address.
            let address = request.gatewayVariables["CLIENT_KEY"].flatMap { $0.isEmpty ? nil : $0 } ?? request.remoteAddress
            if let refusal = lifecycle.admitStream(from: address, limit: configuration.maxStreams,
                                                   perAddress: configuration.maxStreamsPerAddress) {
                logger.warning("stream refused", metadata: ["request_id": "\(request.requestID)", "reason": "\(refusal)"])
                let refused = responder.refuseStream(of: request, because: refusal)
                guard case .bytes = refused.body else { return send(Response(status: 503), to: exchange, for: request) }
                return send(refused, to: exchange, for: request)
            }
            guard exchange.write(ResponseHead.serialize(response, contentLength: nil), flush: true) else {
                exchange.finish()
                lifecycle.streamClosed(from: address)
                return
            }
            switch response.body {
            case .stream(let produce): startStream(exchange, produce, from: address)
            case .events(let attach): hand(exchange, to: attach, from: address)
            case .bytes: break
            }
        }
    }

    /// Gives an event stream's connection to the stream loop and its sink to the application.
    private func hand(_ exchange: Exchange, to attach: @Sendable (any EventSink) -> Void, from address: String) {
        let lifecycle = self.lifecycle
        guard let loop = streamLoop, let (fd, requestID) = exchange.detach() else {
            exchange.finish()
            lifecycle.streamClosed(from: address)
            return
        }
        // From here the loop owns the connection, and counts the stream out when it closes.
        guard let sink = loop.adopt(fd: fd, requestID: requestID, closed: { lifecycle.streamClosed(from: address) }) else { return }
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

    private func startStream(_ exchange: Exchange, _ produce: @escaping @Sendable (ResponseStream) -> Void, from address: String) {
        let stream = ExchangeStream(exchange: exchange, lifecycle: lifecycle)
        let thread = Thread { [lifecycle] in
            produce(stream)
            exchange.finish()
            lifecycle.streamClosed(from: address)
        }
        thread.stackSize = configuration.streamStackBytes
        thread.name = "fcgi-stream"
        thread.start()
    }
}
