import Foundation
import Testing
@testable import QueueCore

@Suite("Token numbers held in place in the live picture")
struct InlineTextTests {
    @Test func aTextOfUpToFifteenBytesComesBackAsItWent() {
        for text in ["", "BC-001", "NLT-12345", "ABCDEFGHIJKLMNO", "૧૨૩૪૫"] {
            #expect(InlineText(text)?.string == text)
        }
        #expect(InlineText("BC-001") == InlineText("BC-001"))
        #expect(InlineText("BC-001") != InlineText("BC-002"))
        #expect(InlineText("BC-00") != InlineText("BC-001"))
    }

    @Test func aLongerTextIsRefusedRatherThanCut() {
        #expect(InlineText("ABCDEFGHIJKLMNOP") == nil)
        #expect(InlineText("૧૨૩૪૫૬") == nil)  // 18 bytes
    }

    @Test func aWaitingEntryIsPlainBytesSoCopyingTheListCopiesMemory() {
        #expect(_isPOD(LiveOffice.Waiting.self))
    }

    @Test func aNumberTooLongToHoldInPlaceIsStillShownWhole() throws {
        let fixture = try QueueFixture()
        let now = QueueFixture.mondayMorning
        let token = try fixture.walkIn()
        _ = try fixture.walkIn(citizen: 2, at: now.plus(minutes: 1))
        // A number the database allows (12 characters) but too long for 15 bytes: Gujarati digits
        let long = "ગુજ-૦૦૧૨૩૪૫"
        try fixture.execute("UPDATE token SET number = ? WHERE id = ?", [long, token.id])
        // Loaded with it: the clerk's list shows it whole
        let one = try fixture.counterID("VAD-247", 1)
        let desk = try fixture.queue.desk(counter: one, at: now.plus(minutes: 2))
        #expect(desk.waiting.map(\.number) == [long, "BC-002"] && desk.waiting.map(\.service) == ["bill-complaint", "bill-complaint"])
        // Taken in by a change within the minute (not loaded again): called, then sent back to the queue of another service
        let loads = fixture.queue.live.loads
        _ = try fixture.queue.callNext(counter: one, actor: fixture.clerk, at: now.plus(minutes: 2).addingTimeInterval(10))
        _ = try fixture.queue.transfer(token: token.id, from: one, toService: "meter-complaint", toCounter: nil,
                                       reason: nil, actor: fixture.clerk, at: now.plus(minutes: 2).addingTimeInterval(20))
        let office = try fixture.queue.live.office("VAD-247", at: now.plus(minutes: 2).addingTimeInterval(30))
        #expect(fixture.queue.live.loads == loads)
        #expect(Set(office.waiting.map { office.number(of: $0) }) == [long, "BC-002"])
        #expect(office.waiting.first { $0.id == token.id }.map { office.serviceCode(of: $0) } == "meter-complaint")
    }
}
