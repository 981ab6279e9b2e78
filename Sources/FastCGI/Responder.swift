/// The one seam between the FastCGI transport and the application.
public protocol Responder: Sendable {
    /// Answers one request. A thrown error becomes `internalError(for:error:)`.
    func respond(to request: Request) throws -> Response
    /// The answer to a request whose body is over the limit; the body is not read.
    func rejectOversizedBody(of request: Request, limit: Int) -> Response
    /// The answer when `respond(to:)` threw: a 500 that carries the request id.
    func internalError(for request: Request, error: any Error) -> Response
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
}
