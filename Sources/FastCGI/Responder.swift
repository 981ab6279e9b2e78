/// The one seam between the FastCGI transport and the application.
public protocol Responder: Sendable {
    /// Answers one request. A thrown error becomes `internalError(for:error:)`.
    func respond(to request: Request) throws -> Response
    /// The answer to a request whose body is over the limit; the body is not read.
    func rejectOversizedBody(of request: Request, limit: Int) -> Response
    /// The answer when `respond(to:)` threw: a 500 that carries the request id.
    func internalError(for request: Request, error: any Error) -> Response
    /// The answer in place of an event stream over the server's caps: a 503 with Retry-After.
    func refuseStream(of request: Request, because refusal: StreamRefusal) -> Response
}

/// Why an event stream was not opened.
public enum StreamRefusal: Sendable, Equatable {
    /// The server holds as many streams as it is configured for.
    case serverFull(limit: Int)
    /// The client's address holds as many as one address may.
    case addressFull(limit: Int)
    /// The client's IPv6 network (its /48) holds as many as one network may.
    case networkFull(limit: Int)
}

extension Responder {
    public func rejectOversizedBody(of request: Request, limit: Int) -> Response {
        Response(status: 413, contentType: "text/plain; charset=utf-8",
                 body: "The request body is larger than \(limit) bytes.\n")
    }

    public func internalError(for request: Request, error: any Error) -> Response {
        Response(status: 500, contentType: "text/plain; charset=utf-8",
                 body: "Internal error; request id \(request.requestID).\n")
    }

    public func refuseStream(of request: Request, because refusal: StreamRefusal) -> Response {
        Response(status: 503, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Retry-After", "30")],
                 body: .bytes(Array("Too many live streams are open; try again shortly.\n".utf8)))
    }
}
