import Foundation
import Testing
@testable import QueueCore

/// The office's Markdown gives how it tells citizens by default (`turn_near_ahead`, `sms_via`); the
/// settings page's change stays until the Markdown changes that value.
@Suite("How an office tells its citizens, from its Markdown and its settings")
struct OfficeMessagingImportTests {
    let now = QueueFixture.mondayMorning

    static func catalog(_ messaging: OfficeMessaging?) -> Catalog {
        var catalog = CatalogImportTests.catalog()
        catalog.offices[0].messaging = messaging
        return catalog
    }

    @Test func theMarkdownsValuesApplyAndAManagersChangeStaysUntilTheMarkdownChanges() throws {
        // Given an office page without the fields: the defaults, 3 and SMS
        let database = try CatalogImportTests.fresh()
        let queue = Queue(database: database)
        _ = try CatalogImport.apply(Self.catalog(nil), to: database)
        #expect(try queue.settings(office: "VAD-247", at: now).messaging == OfficeMessaging(turnNearAhead: 3, smsVia: .sms))
        // When the page says 2 and WhatsApp, they apply
        _ = try CatalogImport.apply(Self.catalog(OfficeMessaging(turnNearAhead: 2, smsVia: .whatsapp)), to: database)
        #expect(try queue.settings(office: "VAD-247", at: now).messaging == OfficeMessaging(turnNearAhead: 2, smsVia: .whatsapp))
        // When a manager sets 5 and SMS, the same page imported again leaves the manager's values
        try queue.setMessaging(office: "VAD-247", to: OfficeMessaging(turnNearAhead: 5, smsVia: .sms), actor: .system, at: now)
        _ = try CatalogImport.apply(Self.catalog(OfficeMessaging(turnNearAhead: 2, smsVia: .whatsapp)), to: database)
        #expect(try queue.settings(office: "VAD-247", at: now).messaging == OfficeMessaging(turnNearAhead: 5, smsVia: .sms))
        // And when the page changes, the page's values apply again
        _ = try CatalogImport.apply(Self.catalog(OfficeMessaging(turnNearAhead: 1, smsVia: .whatsapp)), to: database)
        #expect(try queue.settings(office: "VAD-247", at: now).messaging == OfficeMessaging(turnNearAhead: 1, smsVia: .whatsapp))
    }

    @Test func aThresholdOrChannelTheQueueCannotUseIsRefusedWithItsField() throws {
        let database = try CatalogImportTests.fresh()
        _ = try CatalogImport.apply(Self.catalog(nil), to: database)
        let queue = Queue(database: database)
        for (messaging, field) in [(OfficeMessaging(turnNearAhead: 51, smsVia: .sms), "turn_near_ahead"),
                                   (OfficeMessaging(turnNearAhead: -1, smsVia: .sms), "turn_near_ahead"),
                                   (OfficeMessaging(turnNearAhead: 3, smsVia: .email), "sms_via")] {
            var refused: String?
            do {
                try queue.setMessaging(office: "VAD-247", to: messaging, actor: .system, at: now)
            } catch QueueError.invalidField(let name, _) {
                refused = name
            }
            #expect(refused == field)
        }
        #expect(try queue.settings(office: "VAD-247", at: now).messaging == .standard)
    }
}
