import FastCGI

/// Reports as CSV (RFC 4180) for spreadsheets: fields quoted when needed, and a text cell that a
/// spreadsheet would take for a formula (`=`, `+`, `-`, `@`) prefixed with an apostrophe. It starts
/// with a UTF-8 byte-order mark: without one Excel on Windows reads the file in the local code page
/// and garbles Gujarati, Hindi and even "24×7".
enum CSV {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    static func response(filename: String, header: [String], rows: [[String]]) -> Response {
        let text = ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        return Response(status: 200, headers: [
            ("Content-Type", "text/csv; charset=utf-8"),
            ("Content-Disposition", "attachment; filename=\"\(filename)\""),
            ("Cache-Control", "no-store"),
        ], body: .bytes(byteOrderMark + Array(text.utf8)))
    }

    static func field(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@\t\r".contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func number(_ value: Double?) -> String {
        guard let value else { return "" }
        return String(format: "%.2f", value)
    }
}
