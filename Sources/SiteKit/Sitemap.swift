/// `sitemap.xml` (every page, with its language alternates) and `robots.txt`.
enum Sitemap {
    /// The pages staff and office screens run (noindex): not for search engines.
    static let appLayouts: Set<String> = ["console", "display", "kiosk", "admin", "settings"]

    static func xml(pages: [ContentPage], baseURL: String) -> String {
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">

            """
        for page in pages.sorted(by: { $0.url < $1.url }) where !ContentPage.isErrorPage(page.stem) && !appLayouts.contains(page.metadata.layout ?? "") {
            xml += "  <url>\n    <loc>\(escape(baseURL + page.url))</loc>\n"
            for language in ContentLoader.languages {
                xml += "    <xhtml:link rel=\"alternate\" hreflang=\"\(language)\" href=\"\(escape(baseURL + page.url(in: language)))\"/>\n"
            }
            xml += "  </url>\n"
        }
        return xml + "</urlset>\n"
    }

    static func robots(baseURL: String) -> String {
        let staffOnly = ["", "/gu", "/hi"].flatMap { ["\($0)/staff/", "\($0)/admin/", "\($0)/kiosk/", "\($0)/display/"] }
        return "User-agent: *\nDisallow: /api/\n" + staffOnly.map { "Disallow: \($0)\n" }.joined() + "Sitemap: \(baseURL)/sitemap.xml\n"
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }
}

import Foundation
