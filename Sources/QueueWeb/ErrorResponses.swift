import FastCGI

/// The one place where errors become HTTP responses.
enum ErrorResponses {
    struct Envelope: Encodable {
        struct Body: Encodable {
            let code: String
            let message: String
            let field: String?
            var reason: String? = nil
            let requestID: String?

            enum CodingKeys: String, CodingKey {
                case code, message, field, reason
                case requestID = "request_id"
            }
        }
        let error: Body
    }

    static func response(for error: APIError, allow: [String] = []) -> Response {
        var response = JSON.response(
            status: error.status,
            Envelope(error: .init(code: error.code, message: error.message, field: error.field, reason: error.reason, requestID: nil)))
        if error.status == 405 { response.headers.append(("Allow", allow.joined(separator: ", "))) }
        if let seconds = error.retryAfter ?? (error.status == 503 ? (error.code == "busy" ? 5 : 60) : nil) {
            response.headers.append(("Retry-After", String(seconds)))
        }
        return response
    }

    /// A 500 that tells the caller which request id to quote; the cause stays in the log.
    static func internalError(requestID: String) -> Response {
        JSON.response(status: 500, Envelope(error: .init(
            code: "internal_error",
            message: "Something went wrong on our side. Please try again; if it keeps happening, quote request id \(requestID).",
            field: nil, requestID: requestID)))
    }
}
