/// An error the API answers with its own status, in the shape
/// `{"error": {"code": "...", "message": "...", "field": "..."}}`.
public struct APIError: Error, Sendable, Equatable {
    public var status: Int
    /// A stable, machine-readable code (`not_found`, `invalid_field`, ...).
    public var code: String
    /// A sentence a person can act on.
    public var message: String
    /// The request field at fault, if one is.
    public var field: String?
    /// Where one code covers several refusals (`illegal_transition`, `counter_conflict`), which one:
    /// pages word the refusal in their own language by it, never by the English `message`.
    public var reason: String?
    /// Seconds to wait before trying again, sent as `Retry-After` (a 503 without them says 5 when
    /// busy, else 60).
    public var retryAfter: Int?

    public init(status: Int, code: String, message: String, field: String? = nil, reason: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.reason = reason
        self.retryAfter = retryAfter
    }

    public static func notFound(_ message: String) -> APIError {
        APIError(status: 404, code: "not_found", message: message)
    }

    public static func forbidden(_ message: String) -> APIError {
        APIError(status: 403, code: "forbidden", message: message)
    }

    public static func invalidField(_ field: String, _ message: String) -> APIError {
        APIError(status: 400, code: "invalid_field", message: message, field: field)
    }

    public static func methodNotAllowed(_ method: String, allowed: [String]) -> APIError {
        APIError(status: 405, code: "method_not_allowed",
                 message: "\(method) is not allowed here; use \(allowed.joined(separator: " or ")).")
    }

    public static func bodyTooLarge(limit: Int) -> APIError {
        APIError(status: 413, code: "body_too_large",
                 message: "The request body is larger than the limit of \(limit) bytes.")
    }
}
