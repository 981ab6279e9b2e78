import Foundation
import QueueCore
import Testing
@testable import SiteKit

/// The repository's own Content/ and Templates/ build, and every page is in the right language.
@Suite("The real site")
struct RealSiteTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theRepositorySiteBuildsWithEveryPageInThreeLanguages() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("real-site-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: output) }
        let summary = try SiteBuilder(root: Self.repository, output: output).build()
        #expect(summary.pages % 3 == 0)
        #expect(summary.services >= 7 && summary.offices >= 4)
        let walker = FileManager.default.enumerator(atPath: output.path)
        let pages = (walker?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".html") }
        #expect(pages.count == summary.pages)
        for page in pages {
            let html = try String(contentsOf: output.appendingPathComponent(page), encoding: .utf8)
            let language = page.hasPrefix("gu/") ? "gu" : page.hasPrefix("hi/") ? "hi" : "en"
            #expect(html.contains("<html lang=\"\(language)\">"), "\(page)")
            #expect(html.contains("hreflang=\"gu\"") && html.contains("hreflang=\"hi\"") && html.contains("hreflang=\"en\""), "\(page)")
            #expect(html.contains("<a class=\"skip-link\" href=\"#main\">"), "\(page)")
        }
        let gujaratiService = try String(contentsOf: output.appendingPathComponent("gu/services/new-lt-connection/index.html"), encoding: .utf8)
        #expect(gujaratiService.contains("શું સાથે લાવવું") && gujaratiService.contains("ઓળખનો પુરાવો"))
        // The words fcgi-app needs for the pages it renders, in every language
        let strings = try JSONDecoder().decode([String: [String: String]].self,
                                               from: Data(contentsOf: output.appendingPathComponent("interface-strings.json")))
        #expect(strings["gu"]?["token_title"] == "તમારું ટોકન" && strings["hi"]?["error_phone"]?.contains("मोबाइल") == true)
        #expect(strings["en"]?["token_title"] == "Your token")
        // Staff and office screens are kept out of search engines
        let sitemap = try String(contentsOf: output.appendingPathComponent("sitemap.xml"), encoding: .utf8)
        #expect(sitemap.contains("/services/") && !sitemap.contains("/staff/") && !sitemap.contains("/kiosk/"))
        let robots = try String(contentsOf: output.appendingPathComponent("robots.txt"), encoding: .utf8)
        #expect(robots.contains("Disallow: /gu/admin/") && robots.contains("Disallow: /display/"))
    }

    @Test func eachDisplayBoardShowsItsPagesLanguageThenEnglish() throws {
        // Given the real site, built
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("real-site-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: output) }
        try SiteBuilder(root: Self.repository, output: output).build()
        let devanagari: ClosedRange<Unicode.Scalar> = "\u{0900}"..."\u{097F}", gujarati: ClosedRange<Unicode.Scalar> = "\u{0A80}"..."\u{0AFF}"
        for (page, shown, absent) in [("display", "gu en", devanagari), ("gu/display", "gu en", devanagari), ("hi/display", "hi en", gujarati)] {
            // When a hall's TV opens the board in a language
            let html = try String(contentsOf: output.appendingPathComponent("\(page)/index.html"), encoding: .utf8)
            // Then the board shows that language (Gujarati on the English address) and English
            #expect(html.contains("data-languages=\"\(shown)\""), "\(page)")
            let first = String(shown.prefix(2))
            #expect(html.contains("<h2 id=\"serving-title\"><span lang=\"\(first)\">"), "\(page)")
            #expect(html.contains("<span lang=\"en\" class=\"second\">Now serving</span>"), "\(page)")
            // and no word of the third language outside the string table its voice may fall back on
            let shownPart = html.components(separatedBy: "<template id=\"text\">")[0]
            #expect(!shownPart.unicodeScalars.contains { absent.contains($0) }, "\(page)")
        }
    }

    @Test func eachOfficeHasItsOwnBookingPageOfferingOnlyItsServices() throws {
        // Given the real site, built
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("real-site-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: output) }
        try SiteBuilder(root: Self.repository, output: output).build()
        let catalog = try Catalog.decode(Data(contentsOf: output.appendingPathComponent("catalog.json")))
        let vadodara = try #require(catalog.offices.first { $0.code == "VAD-247" })
        for language in ["en", "gu", "hi"] {
            // When a citizen opens the Vadodara office's page and its booking page
            let prefix = language == "en" ? "" : "\(language)/"
            let officePage = try String(contentsOf: output.appendingPathComponent("\(prefix)offices/vad-247/index.html"), encoding: .utf8)
            let booking = try String(contentsOf: output.appendingPathComponent("\(prefix)book/vad-247/index.html"), encoding: .utf8)
            // Then the office page links to it, and it books at that office, offering exactly its services
            #expect(officePage.contains("href=\"/\(prefix)book/vad-247/\""))
            #expect(booking.contains("<input type=\"hidden\" id=\"office\" name=\"office\" value=\"VAD-247\">"))
            #expect(booking.contains("<html lang=\"\(language)\">"))
            let offered = booking.components(separatedBy: "<option value=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
                .filter { code in catalog.services.contains { $0.code == code } }
            #expect(Set(offered) == Set(vadodara.services.map(\.code)) && offered.count == vadodara.services.count)
        }
    }

    @Test func everyInterfaceStringIsTranslated() throws {
        let translations = try Translations(directory: Self.repository.appendingPathComponent("Templates/i18n"))
        #expect(translations.missing(in: "gu") == [])
        #expect(translations.missing(in: "hi") == [])
    }
}
