import Foundation

/// Turns FastCGI parameters (CGI/1.1 meta-variables, as nginx's `fastcgi_params` sends them) into a `Request`.
enum RequestDecoding {
    static func request(from params: [String: String], body: [UInt8]) -> Request {
        let target = params["REQUEST_URI"] ?? ((params["SCRIPT_NAME"] ?? "") + (params["PATH_INFO"] ?? ""))
        let path: String
        let query: String
        if let mark = target.firstIndex(of: "?") {
            path = String(target[..<mark])
            query = String(target[target.index(after: mark)...])
        } else {
            path = target
            query = params["QUERY_STRING"] ?? ""
        }
        var headers: [String: String] = [:]
        for (name, value) in params where name.hasPrefix("HTTP_") {
            // Byte by byte rather than with Foundation's string replacement: a request has a dozen headers.
            var key: [UInt8] = []
            key.reserveCapacity(name.utf8.count)
            for byte in name.utf8.dropFirst(5) {
                key.append(byte == UInt8(ascii: "_") ? UInt8(ascii: "-") : (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte)
            }
            headers[String(decoding: key, as: UTF8.self)] = value
        }
        if let type = params["CONTENT_TYPE"], !type.isEmpty { headers["content-type"] = type }
        if let length = params["CONTENT_LENGTH"], !length.isEmpty { headers["content-length"] = length }
        let requestID = params["REQUEST_ID"].flatMap { $0.isEmpty ? nil : $0 } ?? RequestID.make()
        var request = Request(
            method: params["REQUEST_METHOD"] ?? "GET", path: path.isEmpty ? "/" : path, query: query,
            headers: headers, remoteAddress: params["REMOTE_ADDR"] ?? "", body: body, requestID: requestID,
            scheme: params["HTTPS"] == "on" ? "https" : (params["REQUEST_SCHEME"] ?? "http"))
        for (name, value) in params where name.hasPrefix("GUVNL_") {
            request.gatewayVariables[String(name.dropFirst(6))] = value
        }
        return request
    }

    /// The declared body length, if the request declares one.
    static func declaredBodyLength(_ params: [String: String]) -> Int? {
        // nginx sends plain digits (or nothing); Foundation's trimming only for anything else.
        params["CONTENT_LENGTH"].flatMap { $0.isEmpty ? nil : Int($0) ?? Int($0.trimmingCharacters(in: .whitespaces)) }
    }
}

extension Request {
    /// The request that these FastCGI parameters and body describe, decoded exactly as the server
    /// decodes what nginx sends (for tests and fuzzing that start from raw parameters).
    public init(fastCGIParameters params: [String: String], body: [UInt8]) {
        self = RequestDecoding.request(from: params, body: body)
    }
}
