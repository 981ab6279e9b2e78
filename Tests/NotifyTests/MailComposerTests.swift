import Foundation
import Testing
@testable import Notify
import QueueCore

@Suite("E-mail as MIME: encoded subjects and alternatives")
struct MailComposerTests {
    @Test func aLongGujaratiSubjectBecomesEncodedWordsThatDecodeBack() throws {
        let subject = "વડોદરા ૨૪×૭ ગ્રાહક સેવા કેન્દ્ર ખાતે તમારો ટોકન NC-017"
        let encoded = MailComposer.encodedWords(subject)
        let words = encoded.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") && $0.count <= 75 })
        let decoded = try words.map { word -> String in
            let base64 = String(word.dropFirst(10).dropLast(2))
            return String(decoding: try #require(Data(base64Encoded: base64)), as: UTF8.self)
        }.joined()
        #expect(decoded == subject)
        #expect(MailComposer.encodedWords("Token NC-017") == "Token NC-017")
    }

    @Test func theHTMLAlternativeEscapesTheTextAndLinksTheAddress() {
        let html = MailComposer.html("Token <b>NC-017</b>\n\nFollow: https://q.example/token/?id=1&secret=x", language: "gu")
        #expect(html.contains("Token &lt;b&gt;NC-017&lt;/b&gt;"))
        #expect(html.contains("<a href=\"https://q.example/token/?id=1&amp;secret=x\">"))
        #expect(html.contains("<html lang=\"gu\">"))
    }
}
