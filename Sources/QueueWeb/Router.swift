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
        /// As registered (`/api/v1/tokens/{id}`): the label metrics and logs name the route by.
        let template: String
        let parameterCount: Int
    }

    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    /// By their number of segments, each list in the order the routes were added: a path is tried
    /// only against the patterns of its length (every request is matched).
    private var routes: [Int: [Route]] = [:]

    /// The routes as `METHOD /pattern`, for the OpenAPI check and the docs.
    private(set) var descriptions: [String] = []

    mutating func add(_ method: String, _ pattern: String, _ handler: @escaping Handler) {
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: false).map { part -> Segment in
            part.hasPrefix("{") && part.hasSuffix("}")
                ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
        let parameters = segments.filter { if case .parameter = $0 { true } else { false } }.count
        routes[segments.count, default: []].append(Route(method: method, pattern: segments, handler: handler, template: pattern,
                                                         parameterCount: parameters))
        descriptions.append("\(method) \(pattern)")
    }

    /// What metrics and logs call a request that no route's path fits (one label for all of them,
    /// so that random paths cannot grow the number of series).
    static let unmatchedTemplate = "unmatched"

    /// The handler, path parameters and route template for a request, or the error to answer with.
    func match(_ request: Request) -> Result<RouteMatch, RoutingFailure> {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: false)
        // The resource is the most literal pattern that fits: `/api/v1/tokens/lookup` rather than
        // `/api/v1/tokens/{id}` with id "lookup", so that GET there is 405 (use POST), not a bad id.
        let fitting = (routes[parts.count] ?? []).compactMap { route in bind(route.pattern, to: parts).map { (route, $0) } }
        let fewest = fitting.map { $0.0.parameterCount }.min()
        var allowed: [String] = []
        for (route, parameters) in fitting where route.parameterCount == fewest {
            if route.method == request.method || (request.method == "HEAD" && route.method == "GET") {
                return .success(RouteMatch(handler: route.handler, parameters: parameters, template: route.template))
            }
            allowed.append(route.method)
        }
        if allowed.isEmpty {
            return .failure(RoutingFailure(error: .notFound("There is no \(request.method) \(request.path) in this API."), allowed: [],
                                           template: Self.unmatchedTemplate))
        }
        let template = fitting.first { $0.0.parameterCount == fewest }?.0.template ?? Self.unmatchedTemplate
        return .failure(RoutingFailure(error: .methodNotAllowed(request.method, allowed: allowed), allowed: allowed, template: template))
    }

    /// The route template a request's path fits, whatever its method.
    func template(for request: Request) -> String {
        switch match(request) {
        case .success(let match): match.template
        case .failure(let failure): failure.template
        }
    }

    /// `parts` has the pattern's length: the routes are kept by it.
    private func bind(_ pattern: [Segment], to parts: [Substring]) -> [String: String]? {
        // The literal segments first: most patterns of a path's length differ there, and are left
        // before any parameter is decoded.
        for (segment, part) in zip(pattern, parts) {
            if case .literal(let text) = segment, text != part { return nil }
        }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(pattern, parts) {
            if case .parameter(let name) = segment {
                guard let value = PercentDecoding.decode(String(part)), !value.isEmpty, value != ".", value != ".." else { return nil }
                parameters[name] = value
            }
        }
        return parameters
    }
}

/// The route that answers a request.
struct RouteMatch {
    let handler: Router.Handler
    let parameters: [String: String]
    let template: String
}

/// Why no route answered: no such path (404) or not with this method (405).
struct RoutingFailure: Error {
    let error: APIError
    let allowed: [String]
    /// The path's template for a 405, `Router.unmatchedTemplate` for a 404.
    let template: String
}
