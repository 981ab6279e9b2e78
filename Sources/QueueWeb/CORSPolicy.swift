import FastCGI
import Foundation

/// Which other web origins (the utility's other portals and apps) may call the citizens' API from a
/// browser, and the headers that tell the browser so.
///
/// Only the public citizen routes are opened (offices, slots, the public queue, booking, finding a
/// token again, a token's status and stream, health), and without credentials: no `Access-Control-Allow-Credentials`, so a browser never sends
/// or exposes the staff's cookies to another origin, and staff routes (cookies + CSRF) answer a
/// preflight with 403. An origin is matched exactly (scheme, host and port); there is no wildcard.
public struct CORSPolicy: Sendable, Equatable {
    /// The exact origins allowed, in lower case (`https://portal.mgvcl.in`).
    public let allowedOrigins: Set<String>

    /// Headers a page on an allowed origin may send (besides those browsers always allow).
    static let allowedHeaders = ["Content-Type", "Idempotency-Key", "Last-Event-ID", "Accept-Language"]
    /// Headers of an answer such a page may read.
    static let exposedHeaders = ["Location", "Retry-After", "X-Request-ID"]
    /// How long a browser may keep a preflight's answer (Chromium keeps at most two hours).
    static let maxAgeSeconds = 7200
    /// The citizen-facing routes opened to other origins (`*`: one path parameter); everything else,
    /// staff routes under `/api/v1/offices/{office}/` included, stays same-origin. Cancelling and
    /// rescheduling need the booking device's cookie, which never crosses origins, so they stay too.
    static let publicRoutes = [
        "/api/healthz", "/api/healthz/events",
        "/api/v1/offices", "/api/v1/offices/*", "/api/v1/offices/*/slots", "/api/v1/offices/*/queue", "/api/v1/offices/*/events",
        "/api/v1/tokens", "/api/v1/tokens/lookup", "/api/v1/tokens/*", "/api/v1/tokens/*/qr.svg", "/api/v1/tokens/*/events",
    ].map { $0.split(separator: "/", omittingEmptySubsequences: false) }

    public init(allowedOrigins: Set<String> = []) {
        self.allowedOrigins = Set(allowedOrigins.map { $0.lowercased() })
    }

    /// Reads a comma- or space-separated list of origins, or says which entry is not an origin.
    public static func parse(_ list: String) throws(CORSPolicyError) -> CORSPolicy {
        let entries = list.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        for entry in entries where !isOrigin(entry) { throw CORSPolicyError(entry: entry) }
        return CORSPolicy(allowedOrigins: Set(entries))
    }

    /// `scheme://host[:port]` with scheme http or https and nothing after: what a browser sends as Origin.
    static func isOrigin(_ text: String) -> Bool {
        let lower = text.lowercased()
        guard let rest = ["https://", "http://"].first(where: lower.hasPrefix).map({ String(lower.dropFirst($0.count)) }) else { return false }
        let host = rest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let name = host.first, !name.isEmpty,
              name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }), name.allSatisfy(\.isASCII) else { return false }
        if host.count == 2 { return Int(host[1]).map { (1...65535).contains($0) } ?? false }
        return true
    }

    static func isPublic(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return publicRoutes.contains { route in
            route.count == parts.count && zip(route, parts).allSatisfy { pattern, part in pattern == part || (pattern == "*" && !part.isEmpty) }
        }
    }

    /// The request's origin when it is one this policy opens the request's path to.
    func allowedOrigin(of request: Request) -> String? {
        guard let origin = request.header("origin"), Self.isPublic(request.path),
              allowedOrigins.contains(origin.lowercased()) else { return nil }
        return origin
    }

    /// True for a browser's CORS preflight (OPTIONS with Origin and Access-Control-Request-Method).
    static func isPreflight(_ request: Request) -> Bool {
        request.method == "OPTIONS" && request.header("origin") != nil && request.header("access-control-request-method") != nil
    }

    /// Adds what an answer to an allowed origin carries; on public paths the answer varies by Origin
    /// for every caller, so that a shared cache never hands one origin's answer to another.
    func decorate(_ response: inout Response, for request: Request) {
        guard Self.isPublic(request.path) else { return }
        response.headers.append(("Vary", "Origin"))
        guard let origin = request.header("origin"), allowedOrigins.contains(origin.lowercased()) else { return }
        response.headers.append(("Access-Control-Allow-Origin", origin))
        response.headers.append(("Access-Control-Expose-Headers", Self.exposedHeaders.joined(separator: ", ")))
    }

    /// The answer to a preflight for a path whose methods are `methods`: 204 with what may be sent,
    /// or a refusal that names what is not allowed.
    func preflight(_ request: Request, methods: [String]) -> Result<Response, APIError> {
        for header in ["Origin", "Access-Control-Request-Method"] where request.header(header) == nil {
            return .failure(.invalidField(header, "A CORS preflight (OPTIONS) needs the \(header) header."))
        }
        guard allowedOrigin(of: request) != nil else {
            return .failure(.forbidden(Self.isPublic(request.path)
                ? "This origin may not call the API from a browser."
                : "Staff routes answer only the system's own pages."))
        }
        let method = request.header("access-control-request-method") ?? ""
        guard methods.contains(method) || (method == "HEAD" && methods.contains("GET")) else {
            return .failure(APIError(status: 403, code: "cors_method_not_allowed",
                                     message: "\(method) is not allowed here; allowed: \(methods.joined(separator: ", ")).",
                                     field: "Access-Control-Request-Method"))
        }
        let asked = (request.header("access-control-request-headers") ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        let allowed = Set(Self.allowedHeaders.map { $0.lowercased() })
        if let refused = asked.first(where: { !allowed.contains($0) }) {
            return .failure(APIError(status: 403, code: "cors_header_not_allowed",
                                     message: "The header \(refused) may not be sent from another origin; allowed: \(Self.allowedHeaders.joined(separator: ", ")).",
                                     field: "Access-Control-Request-Headers"))
        }
        // The origin headers are added to this answer as to every other (WebApplication.respond).
        return .success(Response(status: 204, headers: [
            ("Access-Control-Allow-Methods", methods.joined(separator: ", ")),
            ("Access-Control-Allow-Headers", Self.allowedHeaders.joined(separator: ", ")),
            ("Access-Control-Max-Age", String(Self.maxAgeSeconds)),
            ("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers"),
        ]))
    }
}

/// A configured origin that is not `scheme://host[:port]`.
public struct CORSPolicyError: Error, CustomStringConvertible {
    public let entry: String
    public var description: String {
        "\"\(entry)\" is not an origin: write each as https://host or https://host:port, without a path or wildcard."
    }
}
