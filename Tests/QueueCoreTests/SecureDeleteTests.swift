import Foundation
import GRDB
import Testing
@testable import QueueCore

/// An erased citizen's data must be gone from the database file, not only from its rows: SQLite
/// leaves deleted and overwritten bytes in free space unless `secure_delete` is on.
@Suite("Erased personal data does not linger in the database file")
struct SecureDeleteTests {
    @Test func anErasedCitizensNameNumberAndAddressAreNowhereInTheFile() throws {
        // Given a citizen who booked, was called and told, with a name, number, e-mail and consumer number
        let fixture = try QueueFixture()
        let now = QueueFixture.mondayMorning
        let citizen = CitizenDetails(name: "Zubeda Qureshi Vankar", phone: "9812345670", email: "zubeda.vankar@example.in",
                                     consumerNumber: "87654321")
        let token = try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint", citizen: citizen), at: now)
        let counter = try fixture.openCounter("VAD-247", 9, serving: ["bill-complaint"])
        _ = try fixture.queue.call(token: token.id, counter: counter, actor: fixture.clerk, at: now.plus(minutes: 5))
        // When an operator erases them and the log is checkpointed into the file
        #expect(try fixture.database.eraseCitizen(phone: "9812345670", at: now.plus(minutes: 10)) == 1)
        _ = try Housekeeping.checkpoint(fixture.database.writer)
        // Then none of it is in the database file or its write-ahead log, not even in free space
        let bytes = try ["", "-wal"].map { try Data(contentsOf: URL(fileURLWithPath: fixture.path + $0)) }
        for secret in ["Zubeda Qureshi Vankar", "zubeda.vankar@example.in", "87654321"] {
            #expect(bytes.allSatisfy { $0.range(of: Data(secret.utf8)) == nil }, "\(secret) is still in the file")
        }
    }
}
