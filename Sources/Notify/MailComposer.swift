import Foundation
import QueueCore

/// Writes an e-mail as RFC 5322 / MIME text: plain text and HTML alternatives, both UTF-8 in
/// base64 (Gujarati and Hindi survive any relay), and a subject in RFC 2047 encoded words.
public struct MailComposer: Sendable {
    /// The sender's address, and the domain of Message-IDs.
    public var from: String
    public var fromName: String

    public init(from: String, fromName: String = "GUVNL Queue") {
        self.from = from
        self.fromName = fromName
    }

    public func compose(_ message: RenderedMessage, at date: Date) -> String {
        let boundary = "gq-" + message.idempotencyKey
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        let headers = [
            "From: \(Self.encodedWords(fromName)) <\(from)>",
            "To: <\(message.recipient)>",
            "Subject: \(Self.encodedWords(message.subject ?? fromName))",
            "Date: \(Self.rfc5322Date(date))",
            // The idempotency key: a receiving system sees a retried send as the same message.
            "Message-ID: <\(message.idempotencyKey)@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Language: \(message.language)",
            "Auto-Submitted: auto-generated",
            "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"",
        ]
        let parts = [
            part(type: "text/plain", Self.base64Lines(message.text)),
            part(type: "text/html", Self.base64Lines(Self.html(message.text, language: message.language))),
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n"
            + parts.map { "--\(boundary)\r\n\($0)" }.joined(separator: "\r\n") + "\r\n--\(boundary)--\r\n"
        func part(type: String, _ body: String) -> String {
            "Content-Type: \(type); charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n\(body)\r\n"
        }
    }

    /// `=?UTF-8?B?...?=` words of at most 75 characters, each holding whole characters, folded
    /// onto continuation lines (RFC 2047 section 2 and 5); plain ASCII stays as it is.
    static func encodedWords(_ text: String) -> String {
        guard !text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 }) else { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        // 36 bytes of UTF-8 make 48 base64 characters, a 60-character word: with "Subject: " in
        // front, every line stays within the 76 that RFC 2047 asks of lines holding encoded words.
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 36 {
                words.append(chunk.isEmpty ? "" : "=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.filter { !$0.isEmpty }.joined(separator: "\r\n ")
    }

    static func base64Lines(_ text: String) -> String {
        Data(text.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
    }

    /// The text as HTML: escaped, paragraphs at blank lines, addresses as links.
    static func html(_ text: String, language: String) -> String {
        let paragraphs = text.components(separatedBy: "\n\n").map { paragraph -> String in
            let words = paragraph.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
                let escaped = escape(String(word))
                return word.hasPrefix("https://") || word.hasPrefix("http://") ? "<a href=\"\(escaped)\">\(escaped)</a>" : escaped
            }
            return "<p>" + words.joined(separator: " ").replacingOccurrences(of: "\n", with: "<br>") + "</p>"
        }
        return "<!doctype html><html lang=\"\(escape(language))\"><head><meta charset=\"utf-8\"></head><body>"
            + paragraphs.joined() + "</body></html>"
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
