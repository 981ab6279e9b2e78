import Foundation

/// The writing end of an event stream (server-sent events) that the server's stream loop holds:
/// no thread waits on it. The application keeps it and writes whenever it has something to say;
/// a write never blocks. It closes when the client leaves, the server stops, the client falls too
/// far behind, or the application closes it.
public protocol EventSink: AnyObject, Sendable {
    /// Sends a message, encoded once for every stream it goes to. Throws `StreamClosed` once the
    /// stream has closed.
    func send(_ message: EventMessage) throws
    var isClosed: Bool { get }
    /// Ends the stream: the client's response completes (and its EventSource reconnects).
    func close()
}

extension EventSink {
    /// Sends bytes meant for this stream only.
    public func send(_ bytes: [UInt8]) throws { try send(EventMessage(bytes)) }
}

/// Bytes to send to one or many streams; each stream's FastCGI record around them is built once
/// per request id (nginx gives every request the same), so a broadcast copies nothing per stream.
public final class EventMessage: @unchecked Sendable {
    public let bytes: [UInt8]
    private let lock = NSLock()
    private var records: [UInt16: [UInt8]] = [:]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The bytes as FastCGI stdout records of a request.
    func records(for requestID: UInt16) -> [UInt8] {
        lock.lock(); defer { lock.unlock() }
        if let known = records[requestID] { return known }
        let framed = FastCGIRecord.stdout(bytes, requestID: requestID)
        records[requestID] = framed
        return framed
    }
}

/// The few FastCGI records an event stream writes itself once libfcgi has handed its connection over.
enum FastCGIRecord {
    static let version: UInt8 = 1
    static let stdoutType: UInt8 = 6
    static let endRequestType: UInt8 = 3

    /// `content` as stdout records (none for empty content: an empty record would end the stream).
    static func stdout(_ content: [UInt8], requestID: UInt16) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(content.count + 8 * (content.count / 65_535 + 1))
        var start = 0
        while start < content.count {
            let end = min(content.count, start + 65_535)
            out += header(type: stdoutType, requestID: requestID, length: end - start)
            out += content[start..<end]
            start = end
        }
        return out
    }

    /// The end of stdout and of the request (status 0, complete).
    static func end(requestID: UInt16) -> [UInt8] {
        header(type: stdoutType, requestID: requestID, length: 0)
            + header(type: endRequestType, requestID: requestID, length: 8) + [0, 0, 0, 0, 0, 0, 0, 0]
    }

    private static func header(type: UInt8, requestID: UInt16, length: Int) -> [UInt8] {
        [version, type, UInt8(requestID >> 8), UInt8(requestID & 0xFF), UInt8(length >> 8), UInt8(length & 0xFF), 0, 0]
    }
}
