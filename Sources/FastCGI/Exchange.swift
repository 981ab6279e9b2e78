import CFastCGI
import Glibc

/// One FastCGI request on a connection the server accepted (or nginx kept from an earlier request):
/// owns libfcgi's request record and, until it is given back, the connection.
/// Used by one thread at a time: the worker, then (for a stream) the stream's thread.
final class Exchange: @unchecked Sendable {
    private let raw: UnsafeMutablePointer<FCGX_Request>
    private var isAccepted = false
    private var isFinished = false

    init(connection: Int32) {
        raw = UnsafeMutablePointer<FCGX_Request>.allocate(capacity: 1)
        // No listening socket: libfcgi reads this connection's next request, and when there is none
        // (nginx closed it) closes it and fails instead of accepting another.
        FCGX_InitRequest(raw, -1, 0)
        raw.pointee.ipcFd = connection
        // So that the finishing libfcgi does before reading keeps the connection open.
        raw.pointee.keepConnection = 1
    }

    deinit {
        finish()
        raw.deallocate()
    }

    /// Reads the request (its parameters); false when the connection brought none: then libfcgi
    /// has closed it.
    func accept() -> Bool {
        isAccepted = FCGX_Accept_r(raw) >= 0
        return isAccepted
    }

    /// Ends the request, and closes its connection unless nginx asked to keep it; safe to call more than once.
    func finish() {
        guard isAccepted, !isFinished else { return }
        isFinished = true
        FCGX_Finish_r(raw)
    }

    /// The connection, once the request is finished, when nginx keeps it for another request: the
    /// caller owns it from then on.
    func takeKeptConnection() -> Int32? {
        guard isFinished, raw.pointee.ipcFd >= 0 else { return nil }
        defer { raw.pointee.ipcFd = -1 }
        return raw.pointee.ipcFd
    }

    /// Hands the connection over (for an event stream whose head is written and flushed): libfcgi's
    /// buffers are freed without writing anything more, and the caller owns the descriptor.
    func detach() -> (fd: Int32, requestID: UInt16)? {
        guard isAccepted, !isFinished, raw.pointee.ipcFd >= 0 else { return nil }
        let fd = raw.pointee.ipcFd
        let requestID = UInt16(truncatingIfNeeded: raw.pointee.requestId)
        FCGX_Free(raw, 0)
        raw.pointee.ipcFd = -1
        isFinished = true
        return (fd, requestID)
    }

    /// The connection's descriptor (-1 once given back or handed over).
    var connection: Int32 { raw.pointee.ipcFd }

    /// Closes the connection if finishing left it open for nginx (where it is not given back).
    func closeKeptConnection() {
        if let connection = takeKeptConnection() { close(connection) }
    }

    /// The CGI meta-variables nginx sent (`REQUEST_METHOD`, `HTTP_*`, ...).
    func parameters() -> [String: String] {
        var params: [String: String] = [:]
        guard var cursor = raw.pointee.envp else { return params }
        while let entry = cursor.pointee {
            // Split at the first `=` byte: the name is ASCII, and a Character-wise search of every
            // parameter cost each request more than its routing.
            if let equals = strchr(entry, Int32(UInt8(ascii: "="))) {
                let name = String(decoding: UnsafeRawBufferPointer(start: entry, count: entry.distance(to: equals)), as: UTF8.self)
                params[name] = String(cString: equals + 1)
            }
            cursor += 1
        }
        return params
    }

    /// Reads the body up to `limit` bytes; nil when it is longer than that.
    func readBody(limit: Int) -> [UInt8]? {
        var body: [UInt8] = []
        var chunk = [CChar](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBufferPointer { buffer in
                FCGX_GetStr(buffer.baseAddress, Int32(buffer.count), raw.pointee.`in`)
            }
            if count <= 0 { return body }
            if body.count + Int(count) > limit { return nil }
            chunk.withUnsafeBytes { body.append(contentsOf: $0.prefix(Int(count))) }
        }
    }

    /// Writes bytes to nginx; false when the connection is gone.
    @discardableResult
    func write(_ bytes: [UInt8], flush: Bool = false) -> Bool {
        var written: Int32 = 0
        if !bytes.isEmpty {
            written = bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    FCGX_PutStr(chars.baseAddress, Int32(chars.count), raw.pointee.out)
                }
            }
            if written < 0 { return false }
        }
        if flush { return FCGX_FFlush(raw.pointee.out) >= 0 }
        return true
    }
}
