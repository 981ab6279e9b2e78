import Foundation
import Testing
@testable import QueueCore

/// Secrets and signed values are written in base64url without padding (RFC 4648 §5).
@Suite("Base64URL")
struct Base64URLTests {
    @Test func writesWhatRFC4648SaysForEveryLength() {
        // Given byte strings of every length up to 40, with every byte value among them
        var random = SeededRandom(seed: 7)
        for length in 0...40 {
            let bytes = (0..<length).map { index in UInt8(truncatingIfNeeded: index * 37 + Int(random.next() % 256)) }
            // When they are written
            let text = Base64URL.encode(bytes)
            // Then the text is base64 with the URL alphabet and no padding
            let reference = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(text == reference)
            // and reads back as the same bytes
            #expect(Base64URL.decode(text) == bytes)
        }
    }

    @Test func writesTheRFCsExamples() {
        // RFC 4648 §10, in the URL alphabet without padding
        let examples = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy"]
        for (plain, written) in examples { #expect(Base64URL.encode(Array(plain.utf8)) == written) }
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
    }
}
