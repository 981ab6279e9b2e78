import FastCGI
import Foundation

/// The fields of a request body, from JSON (`application/json`) or an HTML form
/// (`application/x-www-form-urlencoded`); anything else is 415.
struct RequestBody {
    /// True for a form post (`application/x-www-form-urlencoded`).
    let isForm: Bool
    /// True when the answer should be a page (a 303 to the token page, the form again with its
    /// error): a form post, unless the client asks for JSON and not HTML.
    var wantsPage: Bool { isForm && !asksForJSON }
    private let asksForJSON: Bool
    private let fields: [String: String]

    init(_ request: Request) throws {
        let accept = (request.header("accept") ?? "").lowercased()
        asksForJSON = accept.contains("application/json") && !accept.contains("text/html")
        let mediaType = (request.header("content-type") ?? "").split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        switch mediaType {
        case "application/x-www-form-urlencoded":
            guard let text = String(validating: request.body, as: UTF8.self) else {
                throw APIError(status: 400, code: "invalid_body", message: "The form is not valid UTF-8.")
            }
            isForm = true
            fields = QueryParameters(text).all
        case "application/json", "":
            isForm = false
            if request.body.isEmpty {
                fields = [:]
                return
            }
            guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any] else {
                throw APIError(status: 400, code: "invalid_body", message: "The body must be a JSON object.")
            }
            var strings: [String: String] = [:]
            for (key, value) in object {
                switch value {
                case let text as String: strings[key] = text
                case let flag as Bool where Swift.type(of: value) == Bool.self: strings[key] = flag ? "true" : "false"
                case let number as Int: strings[key] = String(number)
                case let number as Double: strings[key] = String(number)
                case is NSNull: continue
                default:
                    throw APIError(status: 400, code: "invalid_field", message: "\(key) must be a string or a number.", field: key)
                }
            }
            fields = strings
        default:
            throw APIError(status: 415, code: "unsupported_media_type",
                           message: "Send application/json or application/x-www-form-urlencoded.")
        }
    }

    subscript(name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// A required field, or 400 naming it.
    func required(_ name: String, _ message: String) throws -> String {
        guard let value = self[name] else { throw APIError.invalidField(name, message) }
        return value
    }
}
