import Foundation
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

    @Test func everyInterfaceStringIsTranslated() throws {
        let translations = try Translations(directory: Self.repository.appendingPathComponent("Templates/i18n"))
        #expect(translations.missing(in: "gu") == [])
        #expect(translations.missing(in: "hi") == [])
    }
}
