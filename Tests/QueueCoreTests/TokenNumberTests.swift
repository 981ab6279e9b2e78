import Foundation
import Testing
@testable import QueueCore

/// A token number as people type it from a ticket finds the token.
@Suite("Token numbers as typed")
struct TokenNumberTests {
    @Test(arguments: ["NC-001", "nc-001", "NC001", "nc001", "NC 001", " NC - 001 ", "NC-1", "nc1", "NC–001"])
    func eachWayOfTypingTheNumberIsTheSameNumber(typed: String) {
        #expect(TokenNumber.canonical(typed) == "NC-001")
    }

    @Test func numbersPastTheThreeDigitsAndTextThatIsNoNumberStayAsTyped() {
        #expect(TokenNumber.canonical("bc1234") == "BC-1234")
        #expect(TokenNumber.canonical("hello") == "HELLO")
        #expect(TokenNumber.canonical("ABCD-001") == "ABCD-001")
        #expect(TokenNumber.canonical("NC-00A") == "NC-00A")
        #expect(TokenNumber.canonical("") == "")
    }

    @Test func aCitizenFindsTheirTokenWithTheNumberTypedWithoutItsDash() throws {
        // Given a walk-in's token BC-001
        let fixture = try QueueFixture()
        let token = try fixture.walkIn(citizen: 0, at: QueueFixture.mondayMorning)
        // When the citizen types its number as "bc1" or "BC 001" with their mobile number
        for typed in ["bc1", "BC 001"] {
            let found = try fixture.queue.lookup(office: "VAD-247", number: typed, phone: token.citizen.phone, at: QueueFixture.mondayMorning)
            // Then it is found
            #expect(found?.id == token.id)
        }
    }
}
