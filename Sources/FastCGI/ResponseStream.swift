/// The writing end of a streamed response (server-sent events), given to a `Response.Body.stream` closure.
public protocol ResponseStream: AnyObject, Sendable {
    /// Writes the bytes and flushes them to the client at once.
    /// Throws `StreamClosed` when the client has gone or the server is stopping.
    func write(_ bytes: [UInt8]) throws
    /// True once the server has begun to shut down: the stream should end.
    var isServerStopping: Bool { get }
    /// Sleeps up to `seconds`, returning early (with `false`) when the server begins to stop.
    func waitWhileServing(seconds: Double) -> Bool
}

extension ResponseStream {
    /// Writes UTF-8 text and flushes it.
    public func write(_ text: String) throws { try write(Array(text.utf8)) }
}

/// The client of a stream went away, or the server is stopping.
public struct StreamClosed: Error, Sendable {
    public init() {}
}
