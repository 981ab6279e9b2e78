import Foundation
import Logging
import Testing
@testable import FastCGI

/// Drives a real `FastCGIServer` on a temporary unix socket with libfcgi's own client, `cgi-fcgi`.
@Suite("FastCGI server over a unix socket", .serialized)
struct FastCGIServerTests {
    /// The event streams `/events` opened, kept as an application keeps them.
    final class Shelf: @unchecked Sendable {
        private let lock = NSLock()
        private var sinks: [any EventSink] = []
        func keep(_ sink: any EventSink) { lock.lock(); sinks.append(sink); lock.unlock() }
        var all: [any EventSink] { lock.lock(); defer { lock.unlock() }; return sinks }
    }

    struct Echo: Responder {
        var shelf = Shelf()

        func respond(to request: Request) throws -> Response {
            switch request.path {
            case "/fail": throw CocoaError(.fileNoSuchFile)
            case "/events":
                return Response(status: 200, headers: [("Content-Type", "text/event-stream")], body: .events { [shelf] sink in
                    try? sink.send(Array("data: one\n\n".utf8))
                    shelf.keep(sink)
                })
            case "/stream":
                return Response(status: 200, headers: [("Content-Type", "text/event-stream")], body: .stream { stream in
                    try? stream.write("data: one\n\n")
                    _ = stream.waitWhileServing(seconds: 30)
                })
            case "/flood-stream":
                // Writes until the client stops taking it: its write then blocks (a client that
                // does not read, as any can be behind nginx).
                return Response(status: 200, headers: [("Content-Type", "text/event-stream")], body: .stream { stream in
                    let chunk = ": " + String(repeating: "x", count: 16 * 1024) + "\n\n"
                    do {
                        repeat { try stream.write(chunk) } while stream.waitWhileServing(seconds: 0.001)
                    } catch {}
                })
            case "/ticking-stream":
                // Writes a comment every 50 ms, so that a departed client is noticed at once.
                return Response(status: 200, headers: [("Content-Type", "text/event-stream")], body: .stream { stream in
                    do {
                        repeat { try stream.write(": tick\n\n") } while stream.waitWhileServing(seconds: 0.05)
                    } catch {}
                })
            default:
                return Response(status: 200, contentType: "text/plain",
                                body: "\(request.method) \(request.path) \(request.body.count)")
            }
        }
    }

    struct Exchange {
        let status: Int
        let body: String
    }

    /// Opens a stream with cgi-fcgi from `address` and leaves it open (the process reads until the server ends it).
    static func openStream(_ socket: String, from address: String, path: String = "/ticking-stream") throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/cgi-fcgi")
        process.arguments = ["-bind", "-connect", socket]
        process.environment = ["REQUEST_METHOD": "GET", "REQUEST_URI": path, "CONTENT_LENGTH": "0", "REMOTE_ADDR": address]
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func call(_ socket: String, method: String = "GET", path: String, body: String = "", address: String = "") throws -> Exchange {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/cgi-fcgi")
        process.arguments = ["-bind", "-connect", socket]
        process.environment = [
            "REQUEST_METHOD": method, "REQUEST_URI": path, "CONTENT_LENGTH": "\(body.utf8.count)",
            "REQUEST_ID": "test-request-1", "REMOTE_ADDR": address,
        ]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // A server that refuses early (413) may close before the whole body is read: cgi-fcgi then
        // exits and the pipe breaks, which is the server's answer, not the test's failure.
        try? input.fileHandleForWriting.write(contentsOf: Data(body.utf8))
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let statusLine = parts[0].components(separatedBy: "\r\n").first { $0.hasPrefix("Status: ") } ?? "Status: 0"
        return Exchange(status: Int(statusLine.dropFirst(8).prefix(3)) ?? 0,
                        body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    static func withServer(maxBody: Int = 1024, maxStreams: Int = 4000, maxStreamsPerAddress: Int = 500, maxStreamsPerNetwork: Int = 2000,
                           shelf: Shelf = Shelf(),
                           _ body: (String, FastCGIServer) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fcgi-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let socket = folder.appendingPathComponent("s.sock").path
        let server = FastCGIServer(
            configuration: ServerConfiguration(address: .unixSocket(path: socket), threads: 2, maxBodyBytes: maxBody,
                                               shutdownGraceSeconds: 3, maxStreams: maxStreams, maxStreamsPerAddress: maxStreamsPerAddress,
                                               maxStreamsPerNetwork: maxStreamsPerNetwork),
            responder: Echo(shelf: shelf), logger: Logger(label: "test"))
        try server.start()
        try body(socket, server)
        server.stop()
    }

    @Test func listensOnATCPPortOfLoopbackToo() throws {
        let port = 20_000 + Int.random(in: 0..<20_000)
        let server = FastCGIServer(
            configuration: ServerConfiguration(address: .loopbackPort(port), threads: 2, shutdownGraceSeconds: 3),
            responder: Echo(), logger: Logger(label: "test"))
        try server.start()
        defer { server.stop() }
        let answer = try Self.call("127.0.0.1:\(port)", path: "/over-tcp")
        #expect(answer.status == 200)
        #expect(answer.body == "GET /over-tcp 0")
    }

    @Test func answersARequestWithItsBody() throws {
        try Self.withServer { socket, _ in
            let answer = try Self.call(socket, method: "POST", path: "/echo", body: "name=Asha")
            #expect(answer.status == 200)
            #expect(answer.body == "POST /echo 9")
        }
    }

    @Test func aThrowingHandlerGives500WithTheRequestIDAndTheServerGoesOn() throws {
        try Self.withServer { socket, _ in
            let failed = try Self.call(socket, path: "/fail")
            #expect(failed.status == 500)
            #expect(failed.body.contains("test-request-1"))
            #expect(try Self.call(socket, path: "/ok").status == 200)
        }
    }

    @Test func aBodyOverTheLimitIs413AndNeverReachesTheHandler() throws {
        try Self.withServer(maxBody: 1024) { socket, _ in
            let answer = try Self.call(socket, method: "POST", path: "/echo", body: String(repeating: "x", count: 5000))
            #expect(answer.status == 413)
            #expect(!answer.body.contains("POST /echo"))
        }
    }

    @Test func aSecondServerOnALiveSocketIsRefused() throws {
        try Self.withServer { socket, _ in
            let second = FastCGIServer(
                configuration: ServerConfiguration(address: .unixSocket(path: socket)), responder: Echo(),
                logger: Logger(label: "test"))
            #expect(throws: FastCGIServerError.self) { try second.start() }
            let stillServing = try Self.call(socket, path: "/ok")
            #expect(stillServing.status == 200)
        }
    }

    @Test func stopEndsAnOpenStreamPromptly() throws {
        try Self.withServer { socket, server in
            // Given a client holding a stream whose handler would wait 30 s
            let done = DispatchSemaphore(value: 0)
            let result = LockedBox<Exchange?>(nil)
            Thread {
                result.set(try? Self.call(socket, path: "/stream"))
                done.signal()
            }.start()
            Thread.sleep(forTimeInterval: 0.5)
            // When the server stops
            let started = Date()
            server.stop()
            // Then the stream ended with what it had written, well before its 30 s
            #expect(done.wait(timeout: .now() + 5) == .success)
            #expect(Date().timeIntervalSince(started) < 5)
            #expect(result.get()?.body == "data: one\n\n")
        }
    }

    @Test func anEventStreamHeldByTheLoopTakesWritesFromAnyThreadAndEndsProperlyOnStop() throws {
        let shelf = Shelf()
        try Self.withServer(shelf: shelf) { socket, server in
            // Given a client holding an event stream, which the application keeps
            let done = DispatchSemaphore(value: 0)
            let result = LockedBox<Exchange?>(nil)
            Thread {
                result.set(try? Self.call(socket, path: "/events"))
                done.signal()
            }.start()
            try Self.waitUntil { shelf.all.count == 1 && server.openStreams == 1 }
            // When the application writes to it from another thread, and the server stops
            try shelf.all[0].send(Array("data: two\n\n".utf8))
            server.stop()
            // Then the client got both, and a complete response (libfcgi's client saw the request end)
            #expect(done.wait(timeout: .now() + 5) == .success)
            #expect(result.get()?.status == 200)
            #expect(result.get()?.body == "data: one\n\ndata: two\n\n")
            #expect(shelf.all[0].isClosed && server.openStreams == 0)
        }
    }

    @Test func aClientLeavingAnEventStreamIsNoticedWithoutAWrite() throws {
        let shelf = Shelf()
        try Self.withServer(shelf: shelf) { socket, server in
            // Given an event stream nobody writes to
            let client = try Self.openStream(socket, from: "10.0.0.9", path: "/events")
            try Self.waitUntil { shelf.all.count == 1 && server.openStreams == 1 }
            // When its client goes away
            kill(client.processIdentifier, SIGKILL)
            client.waitUntilExit()
            // Then the server closes it and counts it out at once, without waiting for a heartbeat
            try Self.waitUntil { shelf.all[0].isClosed && server.openStreams == 0 }
            #expect(throws: StreamClosed.self) { try shelf.all[0].send(Array("data: late\n\n".utf8)) }
        }
    }

    @Test func streamsBeyondTheCapsPerAddressAndInAllAreRefusedWith503() throws {
        try Self.withServer(maxStreams: 3, maxStreamsPerAddress: 2) { socket, server in
            // Given two streams open from one address
            let first = try Self.openStream(socket, from: "10.0.0.1"), second = try Self.openStream(socket, from: "10.0.0.1")
            defer { [first, second].forEach { if $0.isRunning { kill($0.processIdentifier, SIGKILL) } } }
            try Self.waitUntil { server.openStreams == 2 }
            // Then a third from that address is refused at once, with Retry-After
            let refused = try Self.call(socket, path: "/stream", address: "10.0.0.1")
            #expect(refused.status == 503)
            // while another address still gets one, up to the server's cap of three
            let third = try Self.openStream(socket, from: "10.0.0.2")
            defer { if third.isRunning { kill(third.processIdentifier, SIGKILL) } }
            try Self.waitUntil { server.openStreams == 3 }
            // and plain requests are never refused
            #expect(try Self.call(socket, path: "/plain", address: "10.0.0.1").status == 200)
            // When one stream ends, its place is free again
            kill(first.processIdentifier, SIGKILL)
            first.waitUntilExit()
            try Self.waitUntil { server.openStreams == 2 }
            let again = try Self.openStream(socket, from: "10.0.0.2")
            defer { if again.isRunning { kill(again.processIdentifier, SIGKILL) } }
            try Self.waitUntil { server.openStreams == 3 }
        }
    }

    @Test func aFullServerEndsTheHeaviestHoldersNewestStreamForANewcomer() throws {
        let shelf = Shelf()
        try Self.withServer(maxStreams: 4, maxStreamsPerAddress: 3, shelf: shelf) { socket, server in
            // Given a full server: three event streams from one address, one from another
            var open: [Process] = []
            defer { open.forEach { if $0.isRunning { kill($0.processIdentifier, SIGKILL) } } }
            for address in ["10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.2"] {
                open.append(try Self.openStream(socket, from: address, path: "/events"))
                try Self.waitUntil { shelf.all.count == open.count }
            }
            // When a third address asks for one
            let newcomer = try Self.openStream(socket, from: "10.0.0.3", path: "/events")
            defer { if newcomer.isRunning { kill(newcomer.processIdentifier, SIGKILL) } }
            // Then it gets it, and the first address's newest stream ends, told to come back in 30 s
            try Self.waitUntil { shelf.all.count == 5 && shelf.all[2].isClosed && server.openStreams == 4 }
            #expect(shelf.all.filter(\.isClosed).count == 1)
            try Self.waitUntil { !open[2].isRunning }
            // and that address, still the heaviest, cannot take a place back while the server is full
            #expect(try Self.call(socket, path: "/events", address: "10.0.0.1").status == 503)
            // nor can the second, one stream from an even share
            #expect(try Self.call(socket, path: "/events", address: "10.0.0.2").status == 503)
        }
    }

    @Test func aThreadStreamEndedToMakeRoomReturnsAtOnce() throws {
        try Self.withServer(maxStreams: 2, maxStreamsPerAddress: 2) { socket, server in
            // Given a full server: two streams on threads of their own, both from one address
            let first = try Self.openStream(socket, from: "10.0.0.1", path: "/stream")
            let second = try Self.openStream(socket, from: "10.0.0.1", path: "/stream")
            defer { [first, second].forEach { if $0.isRunning { kill($0.processIdentifier, SIGKILL) } } }
            try Self.waitUntil { server.openStreams == 2 }
            // When another address asks for one
            let newcomer = try Self.openStream(socket, from: "10.0.0.2", path: "/stream")
            defer { if newcomer.isRunning { kill(newcomer.processIdentifier, SIGKILL) } }
            // Then one of the first address's streams completes long before its 30 s wait would end
            try Self.waitUntil { !first.isRunning || !second.isRunning }
            try Self.waitUntil { server.openStreams == 2 }
        }
    }

    @Test func endingAThreadStreamWhoseClientDoesNotReadHoldsNoWorkerAndFreesItsPlace() throws {
        try Self.withServer(maxStreams: 3, maxStreamsPerAddress: 3) { socket, server in
            // Given a full server: three streams from one address whose client reads nothing, so that
            // each stream's thread is stuck in a write
            var open: [Process] = []
            defer { open.forEach { if $0.isRunning { kill($0.processIdentifier, SIGKILL) } } }
            var unread: [Pipe] = []
            for _ in 0..<3 {
                let (process, pipe) = try Self.openUnreadStream(socket, from: "10.0.0.1", path: "/flood-stream")
                open.append(process)
                unread.append(pipe)
            }
            try Self.waitUntil { server.openStreams == 3 }
            Thread.sleep(forTimeInterval: 0.5)
            // When two other addresses each ask for one (as many as the server has workers)
            for address in ["10.0.0.2", "10.0.0.3"] { open.append(try Self.openStream(socket, from: address)) }
            // Then plain requests are still answered: ending a stream to make room held no worker
            let answered = DispatchSemaphore(value: 0)
            Thread {
                if (try? Self.call(socket, path: "/plain", address: "10.0.0.4"))?.status == 200 { answered.signal() }
            }.start()
            #expect(answered.wait(timeout: .now() + 5) == .success)
            // and the ended streams are counted out though their client still reads nothing
            try Self.waitUntil { server.openStreams == 3 }
            _ = unread
        }
    }

    /// Opens a stream with cgi-fcgi whose output nobody reads: the server's writes to it soon block.
    static func openUnreadStream(_ socket: String, from address: String, path: String) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/cgi-fcgi")
        process.arguments = ["-bind", "-connect", socket]
        process.environment = ["REQUEST_METHOD": "GET", "REQUEST_URI": path, "CONTENT_LENGTH": "0", "REMOTE_ADDR": address]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, output)
    }

    @Test func oneIPv6NetworkCannotTakeEverySlotByUsingManyOfItsAddresses() throws {
        try Self.withServer(maxStreams: 10, maxStreamsPerAddress: 2, maxStreamsPerNetwork: 3) { socket, server in
            // Given one holder of 2001:db8:7::/48 opening streams from three of its /64s
            var open: [Process] = []
            defer { open.forEach { if $0.isRunning { kill($0.processIdentifier, SIGKILL) } } }
            for address in ["2001:db8:7:1::1", "2001:db8:7:1::2", "2001:db8:7:2::1"] {
                open.append(try Self.openStream(socket, from: address))
            }
            try Self.waitUntil { server.openStreams == 3 }
            // Then a fourth /64 of the same /48 is refused, though that address has none open
            #expect(try Self.call(socket, path: "/stream", address: "2001:db8:7:ff::9").status == 503)
            // while another network, and an IPv4 client, still get theirs
            open.append(try Self.openStream(socket, from: "2001:db8:8:1::1"))
            open.append(try Self.openStream(socket, from: "10.0.0.4"))
            try Self.waitUntil { server.openStreams == 5 }
            // When one of the network's streams ends, the network may open one again
            kill(open[0].processIdentifier, SIGKILL)
            open[0].waitUntilExit()
            try Self.waitUntil { server.openStreams == 4 }
            open.append(try Self.openStream(socket, from: "2001:db8:7:ff::9"))
            try Self.waitUntil { server.openStreams == 5 }
        }
    }

    @Test func anIPv6NetworkIsItsSlash48WhetherGivenAsAnAddressOrAsNginxsKey() {
        #expect(StreamNetwork.key(of: "2001:db8:7:1::1") == "2001:db8:7::/48")
        #expect(StreamNetwork.key(of: "2001:db8:7:1::/64") == "2001:db8:7::/48")
        #expect(StreamNetwork.key(of: "2001:DB8:0:ffff:1::") == "2001:db8:0::/48")
        #expect(StreamNetwork.key(of: "10.0.0.4") == nil)
        #expect(StreamNetwork.key(of: "::ffff:10.0.0.4") == nil)
        #expect(StreamNetwork.key(of: "not:an:address::x") == nil)
    }

    @Test func aDeletedSocketFileIsNoticedSoTheServerCanBeRestarted() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fcgi-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let socket = folder.appendingPathComponent("s.sock").path
        let told = LockedBox(false)
        let server = FastCGIServer(configuration: ServerConfiguration(address: .unixSocket(path: socket), threads: 1, shutdownGraceSeconds: 1),
                                   responder: Echo(), logger: Logger(label: "test"), onSocketLost: { told.set(true) })
        try server.start()
        defer { server.stop() }
        #expect(!server.hasLostSocket)
        // When someone deletes the socket file (a clean-up of /run, say), nginx can no longer connect
        unlink(socket)
        // Then the server notices within a few seconds and says so
        try Self.waitUntil { told.get() }
        #expect(server.hasLostSocket)
    }

    /// Polls until `condition` holds (up to 5 s): a signal the test can observe, not a fixed sleep.
    static func waitUntil(_ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(5)
        while !condition() {
            guard Date() < deadline else { throw CocoaError(.executableLoad) }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }
}

final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func set(_ newValue: Value) { lock.lock(); value = newValue; lock.unlock() }
    func get() -> Value { lock.lock(); defer { lock.unlock() }; return value }
}
