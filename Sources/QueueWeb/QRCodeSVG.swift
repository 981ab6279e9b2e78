import CQRencode

/// A QR code as a small SVG: one path of dark modules, a four-module quiet zone, crisp edges,
/// so that it prints sharply on an 80 mm receipt and scans from a phone screen.
enum QRCodeSVG {
    /// nil if the text cannot be encoded (too long for any QR version).
    static func render(_ text: String) -> String? {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        guard let data = code.pointee.data else { return nil }
        let quiet = 4
        let size = width + 2 * quiet
        var path = ""
        for row in 0..<width {
            for column in 0..<width where data[row * width + column] & 1 == 1 {
                path += "M\(column + quiet) \(row + quiet)h1v1h-1z"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(size) \(size)" shape-rendering="crispEdges" role="img" aria-label="QR code of your token page">\
            <rect width="\(size)" height="\(size)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }
}
