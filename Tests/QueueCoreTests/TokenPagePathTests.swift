import Foundation
import Testing
@testable import QueueCore

@Suite("The token page's path")
struct TokenPagePathTests {
    @Test func aSecretIsCarriedAsItIsWhenUnreservedAndPercentEncodedOtherwise() {
        // Given the secrets a booking makes (base64url) and text that is not
        let secrets = TokenSecrets.random()
        // Then a base64url secret goes into the address unchanged
        #expect(TokenSecrets.pagePath(token: 7, view: secrets.view) == "/token/?id=7&secret=\(secrets.view)")
        #expect(TokenSecrets.pagePath(token: 8, view: "aZ09-._~") == "/token/?id=8&secret=aZ09-._~")
        // And anything else is percent-encoded, so that it cannot end the parameter or the address
        #expect(TokenSecrets.pagePath(token: 9, view: "a/b+c=d&e f#g") == "/token/?id=9&secret=a%2Fb%2Bc%3Dd%26e%20f%23g")
        #expect(TokenSecrets.pagePath(token: 10, view: "ગુ") == "/token/?id=10&secret=%E0%AA%97%E0%AB%81")
    }
}
