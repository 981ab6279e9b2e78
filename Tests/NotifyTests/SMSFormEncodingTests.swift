import Foundation
import Testing
@testable import Notify

/// The SMS gateway's form body must carry the text byte for byte: a Gujarati or Hindi message, a
/// link, and the characters a form gives meaning to (`&`, `=`, `+`, `%`, space).
@Suite("The SMS gateway's form encoding")
struct SMSFormEncodingTests {
    @Test func textsAreEncodedAsFoundationEncodesThemWithOnlyUnreservedCharactersLeftAsTheyAre() {
        // Given texts in the three languages with a link and the form's own characters
        let texts = ["ટોકન NC-017: વડોદરા કચેરી, કાઉન્ટર 2", "टोकन NC-017 तैयार है", "Token NC-017 & more = 100% + a~b_c.d",
                     "http://127.0.0.1:8080/token/?t=12&v=ab-CD_ef", "", "line\nbreak\ttab"]
        var unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        unreserved.insert(charactersIn: "-._~")
        for text in texts {
            // When each is form-encoded
            let encoded = SMSGateway.formEncoded(text)
            // Then it is what Foundation's percent encoding gives, and decodes back to the text
            #expect(encoded == text.addingPercentEncoding(withAllowedCharacters: unreserved))
            #expect(encoded.removingPercentEncoding == text)
        }
    }
}
