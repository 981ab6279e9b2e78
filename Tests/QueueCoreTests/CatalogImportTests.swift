import Foundation
import GRDB
import Testing
@testable import QueueCore

@Suite("Importing the catalogue")
struct CatalogImportTests {
    static func name(_ text: String) -> LocalizedName { LocalizedName(en: text, gu: "ગુ \(text)", hi: "हि \(text)") }

    static func catalog(cap: Int = 50, documents: [String] = ["Latest bill"], offered: [String] = ["bill-complaint", "new-lt-connection"],
                        counters: [Catalog.Office.CounterPlan] = [.init(number: 1, services: ["bill-complaint"])]) -> Catalog {
        Catalog(
            discoms: [.init(code: "MGVCL", names: name("Madhya Gujarat Vij Company Ltd"))],
            services: [
                .init(code: "bill-complaint", tokenPrefix: "BC", names: name("Bill complaint"), typicalMinutes: 8,
                      takesAppointments: false, requiredDocuments: documents.map(name), fees: nil),
                .init(code: "new-lt-connection", tokenPrefix: "NC", names: name("New LT connection"), typicalMinutes: 20,
                      takesAppointments: true, requiredDocuments: [], fees: name("As per schedule")),
            ],
            offices: [.init(code: "VAD-247", discom: "MGVCL", names: name("Vadodara 24x7"), address: name("Race Course"),
                            mapURL: nil, timeZone: "Asia/Kolkata", hours: (1...7).map { .init(weekday: $0, opens: 0, closes: 1440) },
                            services: offered.map { .init(code: $0, dailyCap: cap) }, counters: counters,
                            slotMinutes: 60, slotCapacity: 4)])
    }

    static func fresh() throws -> AppDatabase {
        let database = try AppDatabase.inMemory()
        try database.migrate()
        return database
    }

    func count(_ database: AppDatabase, _ table: String) throws -> Int {
        try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? -1 }
    }

    @Test func aCatalogueSurvivesItsJSONForm() throws {
        let catalog = Self.catalog()
        #expect(try Catalog.decode(try catalog.encoded()) == catalog)
        #expect(String(decoding: try catalog.encoded(), as: UTF8.self).contains("\"token_prefix\" : \"BC\""))
    }

    @Test func importingCreatesEverythingAndAgainChangesNothing() throws {
        let database = try Self.fresh()
        let summary = try CatalogImport.apply(Self.catalog(), to: database)
        #expect(summary.services == 2 && summary.offices == 1 && summary.counters == 1)
        #expect(summary.slots == 7 * 24)
        let counts = try ["discom", "service", "service_document", "office", "office_hours", "office_service", "counter",
                          "counter_service", "appointment_slot"].map { try count(database, $0) }
        _ = try CatalogImport.apply(Self.catalog(), to: database)
        let again = try ["discom", "service", "service_document", "office", "office_hours", "office_service", "counter",
                         "counter_service", "appointment_slot"].map { try count(database, $0) }
        #expect(again == counts)
        let office = try Queue(database: database).office("VAD-247", at: Date())
        #expect(office.services.first?.requiredDocuments.first?.gu == "ગુ Latest bill")
        // The office directory gives back the catalogue's own entries, fees included.
        #expect(office.services == Self.catalog().services)
    }

    @Test func aChangedCatalogueUpdatesWithoutTouchingTokens() throws {
        // Given a catalogue in use: a token booked and an appointment in a slot
        let database = try Self.fresh()
        _ = try CatalogImport.apply(Self.catalog(), to: database)
        let queue = Queue(database: database)
        let monday = ISO8601DateFormatter().date(from: "2026-11-30T05:30:00Z") ?? Date()
        let token = try queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint",
                                                  citizen: CitizenDetails(name: "A", phone: "9825012345")), at: monday)
        let slot = try #require(try queue.slots(office: "VAD-247", service: "new-lt-connection", day: "2026-12-01", at: monday).first)
        let appointment = try queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "new-lt-connection",
                                                        citizen: CitizenDetails(name: "B", phone: "9825012346"),
                                                        appointment: (slot.id, "2026-12-01")), at: monday)
        let events = try count(database, "event")
        // When the editors change the cap, the documents and the counters, and re-import
        _ = try CatalogImport.apply(Self.catalog(cap: 80, documents: ["Latest bill", "Previous bill"],
                                                 counters: [.init(number: 1, services: ["bill-complaint", "new-lt-connection"]),
                                                            .init(number: 2, services: ["bill-complaint"])]), to: database)
        // Then the office reflects it, and the tokens, their slot and the events are as they were
        let office = try queue.office("VAD-247", at: monday)
        #expect(office.services.first { $0.code == "bill-complaint" }?.requiredDocuments.count == 2)
        #expect(try count(database, "counter") == 2)
        #expect(try queue.status(of: token.id, at: monday)?.token == token)
        #expect(try queue.status(of: appointment.id, at: monday)?.token.slotID == slot.id)
        #expect(try queue.slots(office: "VAD-247", service: "new-lt-connection", day: "2026-12-01", at: monday).first?.placesLeft == 3)
        #expect(try count(database, "event") == events)
        let cap = try database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT daily_cap FROM office_service WHERE service_code = 'bill-complaint'")
        }
        #expect(cap == 80)
    }

    @Test func aServiceNoLongerOfferedLeavesTheOffice() throws {
        let database = try Self.fresh()
        _ = try CatalogImport.apply(Self.catalog(), to: database)
        _ = try CatalogImport.apply(Self.catalog(offered: ["bill-complaint"]), to: database)
        #expect(try Queue(database: database).office("VAD-247", at: Date()).services.map(\.code) == ["bill-complaint"])
        #expect(try count(database, "appointment_slot") == 0)
    }

    @Test func anUnknownFormatVersionIsRefused() throws {
        var catalog = Self.catalog()
        catalog.version = 99
        #expect(throws: CatalogError.unsupportedVersion(99)) { try CatalogImport.apply(catalog, to: try Self.fresh()) }
    }
}

@Suite("Administration beside the catalogue")
struct AdministrationTests {
    let now = QueueFixture.mondayMorning

    @Test func anAdministratorsChangeSurvivesAnImportUntilTheMarkdownChangesThatValue() throws {
        // Given an imported catalogue, and an administrator who changes counter 1's services and the slot places
        let database = try CatalogImportTests.fresh()
        let twoServices = ["bill-complaint", "new-lt-connection"]
        _ = try CatalogImport.apply(CatalogImportTests.catalog(), to: database)
        let queue = Queue(database: database)
        try queue.setCounterServices(office: "VAD-247", counter: 1, services: twoServices, actor: .system, at: now)
        try queue.setSlotCapacity(office: "VAD-247", service: "new-lt-connection", capacity: 9, actor: .system, at: now)
        // When the same catalogue is imported again, the administrator's values stay
        _ = try CatalogImport.apply(CatalogImportTests.catalog(), to: database)
        var settings = try queue.settings(office: "VAD-247", at: now)
        #expect(settings.counters.first?.services == twoServices)
        #expect(settings.services.first { $0.code == "new-lt-connection" }?.slotCapacities == [9])
        // When an editor changes counter 1 in the Markdown, the editor's value applies
        _ = try CatalogImport.apply(CatalogImportTests.catalog(counters: [.init(number: 1, services: ["new-lt-connection"])]), to: database)
        settings = try queue.settings(office: "VAD-247", at: now)
        #expect(settings.counters.first?.services == ["new-lt-connection"])
        #expect(settings.services.first { $0.code == "new-lt-connection" }?.slotCapacities == [9])
    }

    @Test func aCountersPlannedDayComesFromTheMarkdownAndTheSettings() throws {
        // Given an office page whose counter 1 lunches and closes early
        let database = try CatalogImportTests.fresh()
        let planned = CatalogImportTests.catalog(counters: [.init(number: 1, services: ["bill-complaint"], pauses: ["13:30-14:00 Lunch"], closes: "17:30")])
        _ = try CatalogImport.apply(planned, to: database)
        let queue = Queue(database: database)
        var counter = try #require(try queue.settings(office: "VAD-247", at: now).counters.first)
        #expect(counter.pauses == ["13:30-14:00 Lunch"] && counter.closes == "17:30")
        // When a manager moves the lunch, and the same catalogue is imported again, the manager's day stays
        try queue.setCounterSchedule(office: "VAD-247", counter: 1, schedule: CounterSchedule.parse(pauses: ["14:00-14:30 Lunch"], closes: nil),
                                     actor: .system, at: now)
        _ = try CatalogImport.apply(planned, to: database)
        counter = try #require(try queue.settings(office: "VAD-247", at: now).counters.first)
        #expect(counter.pauses == ["14:00-14:30 Lunch"] && counter.closes == nil)
        // and the audit log says what changed
        let logged = try database.writer.read { db in
            try String.fetchOne(db, sql: "SELECT reason FROM event WHERE kind = 'counter_schedule_changed'")
        }
        #expect(logged == "14:00-14:30 Lunch")
    }

    @Test func settingsRefuseWhatTheQueueCouldNotWorkWith() throws {
        let fixture = try QueueFixture()
        let queue = fixture.queue
        #expect(throws: QueueError.self) { try queue.setCounterServices(office: "VAD-247", counter: 1, services: [], actor: .system, at: now) }
        #expect(throws: QueueError.self) {
            try queue.setCounterServices(office: "VAD-247", counter: 1, services: ["not-a-service"], actor: .system, at: now)
        }
        #expect(throws: QueueError.self) {
            try queue.setPolicy(office: "VAD-247", to: QueuePolicy(maxPriorityStreak: 0, agingMinutes: 45, recallLimit: 2, activeTokensPerPhone: 3),
                                actor: .system, at: now)
        }
        #expect(throws: QueueError.self) { try queue.addHoliday(office: "VAD-247", day: "2026-11-01", reason: "past", actor: .system, at: now) }
        // A holiday today closes the office to walk-ins at once
        try queue.addHoliday(office: "VAD-247", day: "2026-11-30", reason: "Test", actor: .system, at: now)
        #expect(throws: QueueError.holiday(day: "2026-11-30", reason: "Test")) { try fixture.walkIn(at: now) }
        let closed = try queue.snapshot(office: "VAD-247", at: now)
        #expect(!closed.isOpenNow && closed.holiday == "Test")
        #expect(closed.opensAt == ISO8601DateFormatter().date(from: "2026-11-30T18:30:00Z"))  // midnight in India: VAD-247 is 24x7
        try queue.removeHoliday(office: "VAD-247", day: "2026-11-30", actor: .system, at: now)
        _ = try fixture.walkIn(at: now)
        // New queue rules apply to the next call
        try queue.setPolicy(office: "VAD-247", to: QueuePolicy(maxPriorityStreak: 5, agingMinutes: 30, recallLimit: 1, activeTokensPerPhone: 2),
                            actor: .system, at: now)
        #expect(try queue.settings(office: "VAD-247", at: now).policy.recallLimit == 1)
    }
}
