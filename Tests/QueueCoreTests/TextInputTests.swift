import Testing
@testable import QueueCore

@Suite("Free text: NFC, disguising characters, length as the database counts it")
struct TextInputTests {
    @Test(arguments: [
        "આશા પટેલ", "કૃષ્ણકાંત શાહ", "श्री राम", "क्\u{200D}ष", "क्\u{200C}ष", "Zoë D'Souza", "José-María", "O'Brien Jr.",
    ])
    func realNamesInGujaratiHindiAndEnglishPass(name: String) throws {
        #expect(try TextInput.validated(name, field: "name", label: "name", limit: 100) == name.precomposedStringWithCanonicalMapping)
    }

    @Test(arguments: [
        ("bidirectional override", "\u{202E}lah\u{202C}"), ("isolate", "Asha\u{2066}x\u{2069}"), ("zero-width space", "As\u{200B}ha"),
        ("joiner outside Indic text", "As\u{200D}ha"), ("emoji joiner", "👨\u{200D}👩"), ("NUL", "As\u{0}ha"), ("escape", "As\u{1B}[31mha"),
        ("byte-order mark", "\u{FEFF}Asha"), ("private use", "As\u{E000}ha"),
        ("five accents on one letter", "a\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}"), ("tag characters", "Asha\u{E0041}"),
        ("Hangul filler", "\u{3164}"), ("Braille blank", "\u{2800}"), ("Hangul choseong and jungseong fillers", "\u{115F}\u{1160}"),
        ("grapheme joiners", "\u{34F}\u{34F}Asha"), ("a mark with nothing to sit on", "\u{300}"), ("variation selectors", "\u{FE0F}\u{FE0F}"),
    ])
    func disguisingCharactersAreRefused(what: String, name: String) {
        #expect(throws: QueueError.self, "\(what)") { try TextInput.validated(name, field: "name", label: "name", limit: 100) }
    }

    @Test func lengthIsCountedInScalarsAsSQLiteDoes() throws {
        // One family emoji is one character on screen and seven scalars in the database.
        #expect(TextInput.length("👨‍👩‍👧‍👦") == 7)
        #expect(try TextInput.validated(String(repeating: "ક", count: 100), field: "name", label: "name", limit: 100).unicodeScalars.count == 100)
        #expect(throws: QueueError.self) { try TextInput.validated(String(repeating: "ક", count: 101), field: "name", label: "name", limit: 100) }
    }

    @Test func decomposedAccentsAreComposedAndSpacesCollapsed() throws {
        #expect(try TextInput.validated("  Jose\u{301}   Maria\u{2028}Pinto ", field: "name", label: "name", limit: 100) == "José Maria Pinto")
        #expect(try TextInput.validated("line one \n\n  line  two", field: "note", label: "note", limit: 500, allowingLineBreaks: true)
                == "line one\n\nline two")
    }

    @Test func aBookingWithADisguisedNameOrEmailIsRefusedNamingTheField() throws {
        let fixture = try QueueFixture()
        func book(name: String, email: String? = nil) throws {
            _ = try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint",
                                                      citizen: CitizenDetails(name: name, phone: "9825012345", email: email)),
                                       at: QueueFixture.mondayMorning)
        }
        #expect(throws: QueueError.invalidField(field: "name", reason: "The name may have at most 100 characters (letters, marks and spaces each count).")) {
            try book(name: String(repeating: "👨‍👩‍👧‍👦", count: 100))
        }
        #expect(throws: QueueError.self) { try book(name: "e" + String(repeating: "\u{301}", count: 40)) }
        #expect(throws: QueueError.self) { try book(name: "Asha", email: "as\u{0}ha@example.com") }
        try book(name: "આશા પટેલ")
    }
}
