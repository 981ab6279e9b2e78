import Foundation
import Glibc
import Testing
@testable import FastCGI

/// nginx keeps connections to fcgi-app between requests (`fastcgi_keep_conn on`): requests on a
/// kept connection are answered, and idle kept connections hold no worker.
@Suite("FastCGI connections nginx keeps", .serialized)
struct KeptConnectionTests {
    @Test func requestsOneAfterAnotherOnAKeptConnectionAreEachAnswered() throws {
        try FastCGIServerTests.withServer { socket, _ in
            let connection = try KeptConnection(socket)
            for index in 1...5 {
                let answer = try connection.get("/echo-\(index)")
                #expect(answer.status == 200)
                #expect(answer.body == "GET /echo-\(index) 0")
            }
        }
    }

    @Test func idleKeptConnectionsBeyondTheWorkersHoldNoneOfThem() throws {
        // Given a server of two workers, and five connections each kept after a request
        try FastCGIServerTests.withServer { socket, _ in
            let kept = try (1...5).map { _ in try KeptConnection(socket) }
            for connection in kept { #expect(try connection.get("/first").status == 200) }
            // When a new connection asks (as nginx opens one when its kept ones are busy)
            let answer = try FastCGIServerTests.call(socket, path: "/new")
            // Then it is answered, and so is each kept connection's next request, in any order
            #expect(answer.status == 200 && answer.body == "GET /new 0")
            for connection in kept.reversed() { #expect(try connection.get("/second").body == "GET /second 0") }
        }
    }

    @Test func aKeptConnectionClosedByNginxIsLetGoAndTheServerGoesOn() throws {
        try FastCGIServerTests.withServer { socket, _ in
            // Given a kept connection that nginx then closes (its pool was full, or idle too long)
            let dropped = try KeptConnection(socket)
            #expect(try dropped.get("/first").status == 200)
            dropped.close()
            // Then other connections are answered as before
            let other = try KeptConnection(socket)
            #expect(try other.get("/after").body == "GET /after 0")
            #expect(try FastCGIServerTests.call(socket, path: "/plain").status == 200)
        }
    }
}

/// A FastCGI client that asks the server to keep its connection (`FCGI_KEEP_CONN`), as nginx does.
final class KeptConnection {
    private let fd: Int32
    private var nextID: UInt16 = 1

    init(_ path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() where index < raw.count - 1 { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        // A server that never answers fails the test in seconds instead of hanging it.
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connected == 0 else { Glibc.close(fd); throw KeptConnectionError.cannotConnect }
    }

    deinit { close() }

    func close() { _ = shutdown(fd, Int32(SHUT_RDWR)); Glibc.close(fd) }

    /// A GET on this connection: its status and body.
    func get(_ path: String) throws -> (status: Int, body: String) {
        let id = nextID
        nextID += 1
        var out: [UInt8] = []
        func record(_ type: UInt8, _ content: [UInt8]) {
            out += [1, type, UInt8(id >> 8), UInt8(id & 0xFF), UInt8(content.count >> 8), UInt8(content.count & 0xFF), 0, 0] + content
        }
        record(1, [0, 1, 1, 0, 0, 0, 0, 0])  // BEGIN_REQUEST: responder, FCGI_KEEP_CONN
        var params: [UInt8] = []
        for (name, value) in [("REQUEST_METHOD", "GET"), ("REQUEST_URI", path), ("CONTENT_LENGTH", "0")] {
            params += [UInt8(name.utf8.count), UInt8(value.utf8.count)] + Array(name.utf8) + Array(value.utf8)
        }
        record(4, params)
        record(4, [])
        record(5, [])  // empty STDIN
        guard out.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == out.count else {
            throw KeptConnectionError.closed
        }
        var stdout: [UInt8] = []
        while true {
            let header = try read(8)
            let length = Int(header[4]) << 8 | Int(header[5])
            let content = try read(length + Int(header[6]))
            if header[1] == 6 { stdout += content.prefix(length) }  // STDOUT
            if header[1] == 3 { break }  // END_REQUEST
        }
        let text = String(decoding: stdout, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let statusLine = parts[0].components(separatedBy: "\r\n").first { $0.hasPrefix("Status: ") } ?? "Status: 0"
        return (Int(statusLine.dropFirst(8).prefix(3)) ?? 0, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    private func read(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = bytes.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + got, count - got, 0) }
            guard n > 0 else { throw KeptConnectionError.closed }
            got += n
        }
        return bytes
    }
}

enum KeptConnectionError: Error { case cannotConnect, closed }
