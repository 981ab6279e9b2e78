/// What the application answers: a status, header fields and a body that is either whole or streamed.
public struct Response: Sendable {
    public var status: Int
    /// Header fields in the order they are sent; names as they should appear on the wire.
    public var headers: [(name: String, value: String)]
    public var body: Body
    /// For a stream: it is never ended to make room for another when the server is full
    /// (`StreamLedger`). The application sets it for streams it knows are staff's or a kiosk's.
    public var keepsItsPlace = false

    /// A body sent at once, or produced bit by bit by a stream (server-sent events).
    public enum Body: Sendable {
        case bytes([UInt8])
        /// Runs on a thread of its own after the headers are sent; returns when the stream ends.
        case stream(@Sendable (ResponseStream) -> Void)
        /// An event stream held by the server's stream loop: after the headers are sent, `attach` is
        /// called once (on the request's thread, so it must return at once) with the stream's sink,
        /// which the application keeps and writes to from its own threads.
        case events(@Sendable (any EventSink) -> Void)
    }

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: Int, contentType: String, body: String) {
        self.init(status: status, headers: [("Content-Type", contentType)], body: .bytes(Array(body.utf8)))
    }

    /// The first value of a header field, by case-insensitive name.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// The whole body, for a body that is not streamed.
    public var bodyBytes: [UInt8] {
        if case .bytes(let bytes) = body { return bytes }
        return []
    }
}
