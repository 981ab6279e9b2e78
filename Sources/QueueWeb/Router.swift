import FastCGI

/// Matches a method and a path against route patterns such as `/api/v1/offices/{office}`.
struct Router: Sendable {
    typealias Handler = @Sendable (RequestContext) throws -> Response

    private struct Route: Sendable {
        let method: String
        let pattern: [Segment]
        let handler: Handler
    }

    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    private var routes: [Route] = []

    /// The routes as `METHOD /pattern`, for the OpenAPI check and the docs.
    private(set) var descriptions: [String] = []

    mutating func add(_ method: String, _ pattern: String, _ handler: @escaping Handler) {
        let segments = pattern.split(separator: "/").map { part -> Segment in
            part.hasPrefix("{") && part.hasSuffix("}")
                ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
        routes.append(Route(method: method, pattern: segments, handler: handler))
        descriptions.append("\(method) \(pattern)")
    }

    /// The handler and path parameters for a request, or the error to answer with.
    func match(_ request: Request) -> Result<(Handler, [String: String]), RoutingFailure> {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var allowed: [String] = []
        for route in routes {
            guard let parameters = bind(route.pattern, to: parts) else { continue }
            if route.method == request.method || (request.method == "HEAD" && route.method == "GET") {
                return .success((route.handler, parameters))
            }
            allowed.append(route.method)
        }
        if allowed.isEmpty {
            return .failure(RoutingFailure(error: .notFound("There is no \(request.method) \(request.path) in this API."), allowed: []))
        }
        return .failure(RoutingFailure(error: .methodNotAllowed(request.method, allowed: allowed), allowed: allowed))
    }

    private func bind(_ pattern: [Segment], to parts: [String]) -> [String: String]? {
        guard pattern.count == parts.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(pattern, parts) {
            switch segment {
            case .literal(let text):
                guard text == part else { return nil }
            case .parameter(let name):
                guard let value = PercentDecoding.decode(part), !value.isEmpty else { return nil }
                parameters[name] = value
            }
        }
        return parameters
    }
}

/// Why no route answered: no such path (404) or not with this method (405).
struct RoutingFailure: Error {
    let error: APIError
    let allowed: [String]
}
