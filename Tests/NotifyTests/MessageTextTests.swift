import Foundation
import Testing
@testable import Notify
import QueueCore

@Suite("Messages in the citizen's language, held to their DLT registration")
struct MessageTextTests {
    static let registry = SMSTemplates(sender: "GUVNLQ", templates: [
        "msg_sms_called": [
            "gu": .init(id: "1107000000000000202", text: "GUVNL: ટોકન {#var#}, કૃપા કરીને હમણાં કાઉન્ટર {#var#} પર આવો. {#var#}"),
        ],
    ])
    static let strings = [
        "en": ["msg_sms_called": "GUVNL: Token {number}, please come to counter {counter} now. {office}",
               "msg_email_booked_subject": "Your token {number}", "msg_email_booked": "Token {number}: {link}"],
        "gu": ["msg_sms_called": "GUVNL: ટોકન {number}, કૃપા કરીને હમણાં કાઉન્ટર {counter} પર આવો. {office}"],
    ]

    static func message(_ trigger: MessageTrigger, _ channel: MessageChannel, language: String) -> OutboxMessage {
        OutboxMessage(id: 1, tokenID: 1, officeCode: "VAD-247", trigger: trigger, channel: channel, language: language,
                      recipient: "9825012345", params: ["number": "BC-004", "counter": "2", "office": "વડોદરા", "link": "/token/?id=1&secret=abc"],
                      state: .sending, attempts: 1, idempotencyKey: "k1", createdAt: Date())
    }

    @Test func aGujaratiSMSIsFilledAndCarriesItsTemplateID() throws {
        let text = MessageText(strings: Self.strings, sms: Self.registry, baseURL: "https://queue.example/")
        let rendered = try text.render(Self.message(.called, .sms, language: "gu"))
        #expect(rendered.text == "GUVNL: ટોકન BC-004, કૃપા કરીને હમણાં કાઉન્ટર 2 પર આવો. વડોદરા")
        #expect(rendered.templateID == "1107000000000000202")
    }

    @Test func anSMSWhoseTextLeftItsRegistrationIsRefused() {
        var strings = Self.strings
        strings["gu"]?["msg_sms_called"] = "GUVNL: ટોકન {number}, કાઉન્ટર {counter} પર આવો."
        let text = MessageText(strings: strings, sms: Self.registry, baseURL: "https://queue.example")
        #expect(throws: MessageText.Unrenderable.self) { try text.render(Self.message(.called, .sms, language: "gu")) }
        // And a language with no registration at all is refused too, rather than sent unregistered.
        #expect(throws: MessageText.Unrenderable.self) { try text.render(Self.message(.called, .sms, language: "en")) }
    }

    @Test func unlikelyTodayOffersAnAppointmentOnlyWhereTheServiceHasThem() throws {
        let registry = SMSTemplates(sender: "GUVNLQ", templates: [
            "msg_sms_unlikely_today": ["en": .init(id: "1107000000000000801", text: "GUVNL: Token {#var#}: book an appointment for another day.")],
            "msg_sms_unlikely_today_walk_in": ["en": .init(id: "1107000000000000804", text: "GUVNL: Token {#var#}: come back another day, early.")],
        ])
        let strings = ["en": ["msg_sms_unlikely_today": "GUVNL: Token {number}: book an appointment for another day.",
                              "msg_sms_unlikely_today_walk_in": "GUVNL: Token {number}: come back another day, early.",
                              "msg_email_unlikely_today_subject": "Token {number}: unlikely today",
                              "msg_email_unlikely_today": "Token {number}: book an appointment.",
                              "msg_email_unlikely_today_walk_in": "Token {number}: come back early."]]
        let text = MessageText(strings: strings, sms: registry, baseURL: "https://queue.example")
        func message(_ channel: MessageChannel, appointments: String?) -> OutboxMessage {
            var message = Self.message(.unlikelyToday, channel, language: "en")
            message.params["appointments"] = appointments
            return message
        }
        // Given a walk-in-only service's message, the SMS and the e-mail say to come back early
        let sms = try text.render(message(.sms, appointments: "no"))
        #expect(sms.text == "GUVNL: Token BC-004: come back another day, early." && sms.templateID == "1107000000000000804")
        let mail = try text.render(message(.email, appointments: "no"))
        #expect(mail.text == "Token BC-004: come back early." && mail.subject == "Token BC-004: unlikely today")
        // And a service with appointments keeps offering one
        #expect(try text.render(message(.sms, appointments: nil)).templateID == "1107000000000000801")
        // And without a registered walk-in template the SMS still goes, with the registered text
        let unregistered = MessageText(strings: strings, sms: SMSTemplates(sender: "GUVNLQ", templates: [
            "msg_sms_unlikely_today": registry.registered("msg_sms_unlikely_today", language: "en").map { ["en": $0] } ?? [:]]),
                                       baseURL: "https://queue.example")
        #expect(try unregistered.render(message(.sms, appointments: "no")).templateID == "1107000000000000801")
    }

    @Test func anEmailHasASubjectAndAnAbsoluteLink() throws {
        let text = MessageText(strings: Self.strings, sms: Self.registry, baseURL: "https://queue.example/")
        let rendered = try text.render(Self.message(.booked, .email, language: "hi"))
        #expect(rendered.subject == "Your token BC-004")
        #expect(rendered.text == "Token BC-004: https://queue.example/token/?id=1&secret=abc")
    }

    @Test(arguments: [
        ("GUVNL: Token NC-017, please come to counter 3 now.", false, 1),
        (String(repeating: "a", count: 160), false, 1),
        (String(repeating: "a", count: 161), false, 2),
        (String(repeating: "[", count: 80), false, 1),
        (String(repeating: "ક", count: 70), true, 1),
        (String(repeating: "ક", count: 71), true, 2),
        (String(repeating: "क", count: 135), true, 3),
    ])
    func smsPartsAreCountedAsTheNetworkCounts(text: String, unicode: Bool, parts: Int) {
        let counted = SMSParts(text)
        #expect(counted.isUnicode == unicode)
        #expect(counted.parts == parts)
    }

    @Test(arguments: [
        (0, "en", "GUVNL: Token BC-004: Nobody before you at વડોદરા. Please come back now."),
        (1, "en", "GUVNL: Token BC-004: 1 person before you at વડોદરા. Please come back now."),
        (3, "en", "GUVNL: Token BC-004: 3 people before you at વડોદરા. Please come back now."),
        (0, "gu", "GUVNL: ટોકન BC-004: વડોદરા ખાતે તમારી પહેલાં કોઈ નથી. કૃપા કરીને હમણાં પાછા આવો."),
        (1, "gu", "GUVNL: ટોકન BC-004: વડોદરા ખાતે તમારી પહેલાં 1 વ્યક્તિ. કૃપા કરીને હમણાં પાછા આવો."),
        (1, "hi", "GUVNL: टोकन BC-004: वडोदरा में आपसे पहले 1 व्यक्ति. कृपया अभी वापस आएं."),
    ])
    func turnNearSaysNobodyOrOnePersonAndStillMatchesItsRegistration(ahead: Int, language: String, expected: String) throws {
        // Given the registered turn-near texts and the token page's own "people before you" wording
        let registry = SMSTemplates(sender: "GUVNLQ", templates: ["msg_sms_turn_near": [
            "en": .init(id: "1", text: "GUVNL: Token {#var#}: {#var#} at {#var#}. Please come back now."),
            "gu": .init(id: "2", text: "GUVNL: ટોકન {#var#}: {#var#} ખાતે {#var#}. કૃપા કરીને હમણાં પાછા આવો."),
            "hi": .init(id: "3", text: "GUVNL: टोकन {#var#}: {#var#} में {#var#}. कृपया अभी वापस आएं."),
        ]])
        let strings = [
            "en": ["msg_sms_turn_near": "GUVNL: Token {number}: {ahead_text} at {office}. Please come back now.",
                   "ahead_none": "Nobody before you", "ahead_one": "1 person before you", "ahead_many": "{n} people before you"],
            "gu": ["msg_sms_turn_near": "GUVNL: ટોકન {number}: {office} ખાતે {ahead_text}. કૃપા કરીને હમણાં પાછા આવો.",
                   "ahead_none": "તમારી પહેલાં કોઈ નથી", "ahead_one": "તમારી પહેલાં 1 વ્યક્તિ", "ahead_many": "તમારી પહેલાં {n} લોકો"],
            "hi": ["msg_sms_turn_near": "GUVNL: टोकन {number}: {office} में {ahead_text}. कृपया अभी वापस आएं.",
                   "ahead_none": "आपसे पहले कोई नहीं", "ahead_one": "आपसे पहले 1 व्यक्ति", "ahead_many": "आपसे पहले {n} लोग"],
        ]
        var message = Self.message(.turnNear, .sms, language: language)
        message.params["ahead"] = String(ahead)
        if language == "hi" { message.params["office"] = "वडोदरा" }
        // When the worker renders it
        let rendered = try MessageText(strings: strings, sms: registry, baseURL: "https://q.example").render(message)
        // Then it reads as the token page does, never "0 people", and goes with its template id
        #expect(rendered.text == expected)
        #expect(rendered.templateID != nil)
    }

    @Test func interfaceStringsAreCheckedAgainstTheirRegistration() {
        let registered = "GUVNL: Token {#var#}, please come to counter {#var#} now. {#var#}"
        #expect(SMSTemplates.conforms("GUVNL: Token {number}, please come to counter {counter} now. {office}", template: registered))
        #expect(!SMSTemplates.conforms("GUVNL: Token {number}, come to counter {counter} now. {office}", template: registered))
        #expect(SMSTemplates.matches("GUVNL: Token A-1, please come to counter 2 now. X", template: registered))
        #expect(!SMSTemplates.matches("GUVNL: Token A-1, please come to desk 2 now. X", template: registered))
    }

    @Test(arguments: [
        // Given a Gujarati registration, when the text keeps every fixed word, then it matches
        ("GUVNL: ટોકન BC-004, કૃપા કરીને હમણાં કાઉન્ટર 2 પર આવો. વડોદરા", true),
        // A value may itself be Gujarati, empty, or hold the template's own words
        ("GUVNL: ટોકન , કૃપા કરીને હમણાં કાઉન્ટર  પર આવો. ", true),
        ("GUVNL: ટોકન પર આવો, કૃપા કરીને હમણાં કાઉન્ટર 2 પર આવો. પર આવો.", true),
        // A changed vowel sign, a missing word, text before the header or after a fixed end: refused
        ("GUVNL: ટોકન BC-004, કૃપા કરીને હમણા કાઉન્ટર 2 પર આવો. વડોદરા", false),
        ("GUVNL: ટોકન BC-004, કૃપા કરીને કાઉન્ટર 2 પર આવો. વડોદરા", false),
        ("Re: GUVNL: ટોકન BC-004, કૃપા કરીને હમણાં કાઉન્ટર 2 પર આવો. વડોદરા", false),
        ("GUVNL: ટોકન", false),
    ])
    func aGujaratiTextIsHeldToItsTemplateWordForWord(text: String, matches: Bool) {
        let registered = Self.registry.registered("msg_sms_called", language: "gu")?.text ?? ""
        #expect(SMSTemplates.matches(text, template: registered) == matches)
        #expect(SMSTemplates.matches("ટોકન 2 પર આવો.", template: "ટોકન {#var#} પર આવો.") && !SMSTemplates.matches("ટોકન 2 પર આવો", template: "ટોકન {#var#} પર આવો."))
    }

    @Test func fillingLeavesUnknownAndUnclosedNamesAsWritten() {
        // Given Gujarati and Hindi around the names, when filled, then each known name takes its value
        #expect(Wording.fill("ટોકન {number}, काउंटर {counter}{office}", ["number": "BC-004", "counter": "2", "office": "વડોદરા"])
                == "ટોકન BC-004, काउंटर 2વડોદરા")
        // and a misspelt or unclosed name shows as written, so the mistake is seen
        #expect(Wording.fill("ટોકન {numbr} {number", ["number": "BC-004"]) == "ટોકન {numbr} {number")
        // and a stray brace is text: the name after it is still filled (a typo keeps the value)
        #expect(Wording.fill("{{number}}", ["number": "7"]) == "{7}")
        #expect(Wording.fill("{ wait {m} min", ["m": "35"]) == "{ wait 35 min")
        #expect(Wording.fill("{m}} {", ["m": "35"]) == "35} {")
    }

    @Test func theSinkMasksWhoAMessageIsFor() {
        #expect(OutboxMessage.masked("9825012345") == "98••••••45")
        #expect(OutboxMessage.masked("citizen@example.com") == "c•••@example.com")
    }

    @Test func staffReadTheLinksWithoutTheViewSecret() {
        let sent = "Follow your place: https://q.example/token/?id=17&secret=rsCAYi4Og2qVK-cSa_kEOEvA. Bring your bill; secret= ends here"
        #expect(OutboxMessage.withoutSecrets(sent) == "Follow your place: https://q.example/token/?id=17&secret=…. Bring your bill; secret=… ends here")
        #expect(OutboxMessage.withoutSecrets("No link at all") == "No link at all")
    }
}
