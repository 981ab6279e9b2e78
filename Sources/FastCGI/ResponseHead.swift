/// The CGI response head libfcgi relays to nginx: a `Status:` line, header fields, a blank line.
enum ResponseHead {
    static func serialize(_ response: Response, contentLength: Int?) -> [UInt8] {
        var head = "Status: \(response.status) \(HTTPStatus.reason(response.status))\r\n"
        for field in response.headers where isSafe(field.name) && isSafe(field.value) {
            head += "\(field.name): \(field.value)\r\n"
        }
        if let contentLength, response.header("Content-Length") == nil {
            head += "Content-Length: \(contentLength)\r\n"
        }
        head += "\r\n"
        return Array(head.utf8)
    }

    /// A header field with a line break would let a value inject fields: drop it.
    private static func isSafe(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 13 || $0 == 10 }
    }
}
