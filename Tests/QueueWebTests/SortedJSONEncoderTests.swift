import Foundation
@testable import QueueCore
import Testing
@testable import QueueWeb

/// The API's answers are written by `SortedJSONEncoder`; clients (and the OpenAPI description) were
/// written against Foundation's `JSONEncoder`: the bytes must stay the same.
@Suite("Sorted JSON encoder")
struct SortedJSONEncoderTests {
    /// 11:00 IST, with milliseconds, as the queue's times are.
    static let monday = Date(timeIntervalSince1970: 1_796_016_600.123)

    private func expectSameBytes<Value: Encodable>(_ value: Value, _ label: String) throws {
        let ours = try SortedJSONEncoder().encode(value)
        let foundation = Array(try JSON.foundationEncoder.encode(value))
        #expect(String(decoding: ours, as: UTF8.self) == String(decoding: foundation, as: UTF8.self), "\(label)")
    }

    @Test func aCounterDeskATokenAndTheSnapshotAreWrittenAsFoundationWritesThem() throws {
        // Given an office with citizens waiting (names in Gujarati, one a priority), one of them called and started
        let database = try AppDatabase.inMemory()
        try database.migrate()
        try DemoData.install(in: database)
        let queue = Queue(database: database)
        var tokens: [Token] = []
        for (index, name) in ["આશા પટેલ", "Ravi \"R\" Shah", "रमेश\\कुमार", "Meena"].enumerated() {
            tokens.append(try queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: index % 2 == 0 ? "bill-complaint" : "new-lt-connection",
                                                        citizen: CitizenDetails(name: name, phone: "98250\(12345 + index)",
                                                                                priority: index == 3 ? .seniorCitizen : .none)),
                                         at: Self.monday.addingTimeInterval(Double(index) * 61.5)))
        }
        let now = Self.monday.addingTimeInterval(600)
        let counter = try #require(try queue.counterID(office: "VAD-247", number: 1))
        let clerk = Actor.staff(id: 1, username: "clerk")
        try queue.heartbeat(counter: counter, actor: clerk, at: now)
        let called = try #require(try queue.callNext(counter: counter, actor: clerk, at: now))
        _ = try queue.start(token: called.id, counter: counter, actor: clerk, at: now.addingTimeInterval(30.25))
        try queue.setStaffNote("Bring the \"bill\"\twith the meter number / reading", token: called.id, counter: counter, actor: clerk,
                               at: now.addingTimeInterval(31))
        let later = now.addingTimeInterval(40)
        // Then the counter's desk, each token's status and the office's snapshot are the same bytes
        try expectSameBytes(try queue.desk(counter: counter, at: later), "desk")
        let words = WaitText(text: RepositoryStrings.text)
        for token in tokens {
            let status = try queue.status(of: try #require(try queue.tokenForReading(token.id)), at: later)
            try expectSameBytes(TokenView(status.token, position: status.position, counterNumber: status.counterNumber,
                                          documents: status.requiredDocuments, words: words), "token \(token.number)")
        }
        try expectSameBytes(try queue.live.snapshot(office: "VAD-247", at: later), "snapshot")
        try expectSameBytes(try queue.offices(at: later), "offices")
    }

    @Test func aDeskWithEveryOptionalFieldIsWrittenAsFoundationWritesIt() throws {
        // Given a counter whose clerk parked one citizen (with a reason and a time), recalled another
        // (so a recall waits: a refusal with a time) and then paused with a reason
        let database = try AppDatabase.inMemory()
        try database.migrate()
        try DemoData.install(in: database)
        let queue = Queue(database: database)
        for (index, name) in ["આશા પટેલ", "Ravi \"R\" Shah", "रमेश\\कुमार"].enumerated() {
            _ = try queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint",
                                              citizen: CitizenDetails(name: name, phone: "98250\(12345 + index)", consumerNumber: "1122334455\(index)")),
                               at: Self.monday.addingTimeInterval(Double(index) * 61.5))
        }
        let now = Self.monday.addingTimeInterval(600)
        let counter = try #require(try queue.counterID(office: "VAD-247", number: 1))
        let clerk = Actor.staff(id: 1, username: "clerk")
        try queue.heartbeat(counter: counter, actor: clerk, at: now)
        let parked = try #require(try queue.callNext(counter: counter, actor: clerk, at: now))
        _ = try queue.park(token: parked.id, counter: counter, reason: "Fetching the \"bill\" / ID", until: now.addingTimeInterval(900.5),
                           actor: clerk, at: now.addingTimeInterval(5))
        let called = try #require(try queue.callNext(counter: counter, actor: clerk, at: now.addingTimeInterval(10)))
        _ = try queue.recall(token: called.id, counter: counter, actor: clerk, at: now.addingTimeInterval(70.125))
        var atWork = try queue.desk(counter: counter, at: now.addingTimeInterval(71))
        #expect(atWork.current?.consumerNumber != nil && !atWork.parked.isEmpty && atWork.refusals.values.contains { $0.readyAt != nil })
        atWork.booked = "BC-004"
        atWork.leaveKey = "k/ey+=="
        atWork.current?.toldOfCall = [CounterDesk.MessageStatus(channel: "sms", state: "sent"), CounterDesk.MessageStatus(channel: "email", state: "failed")]
        _ = try queue.start(token: called.id, counter: counter, actor: clerk, at: now.addingTimeInterval(75))
        _ = try queue.complete(token: called.id, counter: counter, actor: clerk, at: now.addingTimeInterval(80))
        _ = try queue.setCounter(counter, to: .paused, reason: "Lunch \u{0A9C}", actor: clerk, at: now.addingTimeInterval(90.75))
        let paused = try queue.desk(counter: counter, at: now.addingTimeInterval(95))
        #expect(paused.pausedAt != nil && paused.pauseReason != nil)
        // Then both desks are the bytes Foundation writes
        try expectSameBytes(atWork, "desk at work")
        try expectSameBytes(paused, "desk paused")
    }

    @Test func aTokenViewWithEveryFieldAndWithNoneOfTheOptionalOnesIsWrittenAsFoundationWritesIt() throws {
        // Given an appointment (a slot time, no queueing time) and a walk-in with Hindi text and quotes
        let database = try AppDatabase.inMemory()
        try database.migrate()
        try DemoData.install(in: database)
        let queue = Queue(database: database)
        let slot = try #require(try database.writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM appointment_slot WHERE office_code = 'VAD-247' AND service_code = 'new-lt-connection' AND weekday = 2")
        })
        let appointment = try queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "new-lt-connection",
                                                        citizen: CitizenDetails(name: "Asha", phone: "9825012345", language: "en"),
                                                        appointment: (slot, "2026-12-01")), at: Self.monday)
        var walkIn = try queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint",
                                                   citizen: CitizenDetails(name: "रमेश", phone: "9825054321", language: "hi")),
                                    at: Self.monday)
        walkIn.calledAt = Self.monday.addingTimeInterval(90.5)
        let words = WaitText(text: RepositoryStrings.text)
        var full = QueuePosition(ahead: 12, openCounters: 3, serviceSeconds: 300, estimatedWaitSeconds: 1234.5, likelyCounter: 2,
                                 reachedToday: true)
        full.estimatedWaitRange = 900.25...2400
        let unlikely = QueuePosition(ahead: 0, openCounters: 0, serviceSeconds: 300, estimatedWaitSeconds: nil, reachedToday: false)
        let documents = [LocalizedName(en: "Bill \"copy\"", gu: "બિલ", hi: "बिल / रसीद")]
        // Then every shape of view is the bytes Foundation writes
        for (label, view) in [
            ("appointment, no position", TokenView(appointment, position: nil, counterNumber: nil, documents: [], words: words)),
            ("walk-in, full position", TokenView(walkIn, position: full, counterNumber: 4, documents: documents, words: words)),
            ("walk-in, unlikely today", TokenView(walkIn, position: unlikely, counterNumber: nil, documents: documents, words: words)),
        ] {
            try expectSameBytes(view, label)
            // And so is the answer that carries it: a booking's (secret and page) and a status read's (neither)
            try expectSameBytes(TokenAnswer(token: view, secret: "Ab-_9/x", page: "/token/?id=7&secret=Ab-_9"), label + ", booked")
            try expectSameBytes(TokenAnswer(token: view, secret: nil, page: nil), label + ", read")
        }
        #expect(TokenView(walkIn, position: full, counterNumber: 4, documents: documents, words: words).position?.waitLowSeconds == 900.25)
    }

    @Test func anOutboxRowsValuesAreWrittenAsBefore() throws {
        // Given a message's values as the outbox keeps them (keys as they are, in order)
        let values = ["number": "NC-017", "office": "વડોદરા (ગ્રામ્ય)", "link": "/token/?id=7&secret=a/b", "slot": "",
                      "documents": "Bill; \"ID\" proof", "office_code": "VAD-247", "day": "2026-11-30"]
        // Then they are the bytes Foundation's sorted encoder wrote for them
        let foundation = JSONEncoder()
        foundation.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(try SortedJSONEncoder().encode(values) == Array(try foundation.encode(values)))
    }

    @Test func numbersTextDatesAndKeysAreWrittenAsFoundationWritesThem() throws {
        struct Inner: Encodable { let counterID: Int64; let waitedSeconds: Double; let URLPath: String? }
        struct Sample: Encodable {
            let tokenID: Int64
            let estimatedWaitSeconds: Double?
            let waitLowSeconds: Double
            let ratio: Double
            let tiny: Double
            let huge: Double
            let count: Int
            let flag: Bool
            let at: Date
            let text: String
            let nothing: String?
            let explicitNull: String?
            let byKey: [String: Int]
            let byNumber: [Int: String]
            let items: [Inner]
            let nested: [[Int]]

            enum CodingKeys: String, CodingKey {
                case tokenID, estimatedWaitSeconds, waitLowSeconds, ratio, tiny, huge, count, flag, at, text, nothing, explicitNull,
                     byKey, byNumber, items, nested
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(tokenID, forKey: .tokenID)
                try container.encodeIfPresent(estimatedWaitSeconds, forKey: .estimatedWaitSeconds)
                try container.encode(waitLowSeconds, forKey: .waitLowSeconds)
                try container.encode(ratio, forKey: .ratio)
                try container.encode(tiny, forKey: .tiny)
                try container.encode(huge, forKey: .huge)
                try container.encode(count, forKey: .count)
                try container.encode(flag, forKey: .flag)
                try container.encode(at, forKey: .at)
                try container.encode(text, forKey: .text)
                try container.encodeIfPresent(nothing, forKey: .nothing)
                try container.encode(explicitNull, forKey: .explicitNull)
                try container.encode(byKey, forKey: .byKey)
                try container.encode(byNumber, forKey: .byNumber)
                try container.encode(items, forKey: .items)
                try container.encode(nested, forKey: .nested)
            }
        }
        let sample = Sample(
            tokenID: 42, estimatedWaitSeconds: 1234.5, waitLowSeconds: 600, ratio: 1.0 / 3, tiny: 0.00001, huge: 1e21, count: -7,
            flag: true, at: Self.monday, text: "a \"quote\", a \\ backslash, a / slash,\n\r\t\u{8}\u{C}\u{1} and ગુજરાતી हिंदी",
            nothing: nil, explicitNull: nil, byKey: ["call-next": 1, "Zeta": 2, "alpha": 3, "a_b": 4, "aB": 5],
            byNumber: [10: "ten", 9: "nine", 100: "hundred"],
            items: [Inner(counterID: 3, waitedSeconds: 59.999, URLPath: "/token/?id=1"), Inner(counterID: 4, waitedSeconds: 0, URLPath: nil)],
            nested: [[1, 2], [], [3]])
        try expectSameBytes(sample, "sample")
    }
}
