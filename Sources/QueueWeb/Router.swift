import FastCGI

/// Matches a method and a path against route patterns such as `/api/v1/offices/{office}`.
///
/// Only the canonical spelling of a path matches: no empty segments (a doubled or trailing slash,
/// unless the pattern has one, as `/token/` does), no `.` or `..` segments, literal segments exactly
/// as written (not percent-encoded, same case). nginx limits the rate of some routes by their exact
/// path; a variant that reached the same handler would escape the limit.
struct Router: Sendable {
    typealias Handler = @Sendable (RequestContext) throws -> Response

    private struct Route: Sendable {
        let method: String
        let pattern: [Segment]
        let handler: Handler

        var parameterCount: Int { pattern.filter { if case .parameter = $0 { true } else { false } }.count }
    }

    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    private var routes: [Route] = []

    /// The routes as `METHOD /pattern`, for the OpenAPI check and the docs.
    private(set) var descriptions: [String] = []

    mutating func add(_ method: String, _ pattern: String, _ handler: @escaping Handler) {
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: false).map { part -> Segment in
            part.hasPrefix("{") && part.hasSuffix("}")
                ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
        routes.append(Route(method: method, pattern: segments, handler: handler))
        descriptions.append("\(method) \(pattern)")
    }

    /// The handler and path parameters for a request, or the error to answer with.
    func match(_ request: Request) -> Result<(Handler, [String: String]), RoutingFailure> {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // The resource is the most literal pattern that fits: `/api/v1/tokens/lookup` rather than
        // `/api/v1/tokens/{id}` with id "lookup", so that GET there is 405 (use POST), not a bad id.
        let fitting = routes.compactMap { route in bind(route.pattern, to: parts).map { (route, $0) } }
        let fewest = fitting.map { $0.0.parameterCount }.min()
        var allowed: [String] = []
        for (route, parameters) in fitting where route.parameterCount == fewest {
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
                guard let value = PercentDecoding.decode(part), !value.isEmpty, value != ".", value != ".." else { return nil }
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
