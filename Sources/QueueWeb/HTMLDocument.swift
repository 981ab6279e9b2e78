import FastCGI

/// The document around the few pages fcgi-app renders itself (they must work without JavaScript):
/// language, viewport, title, the site's stylesheet and icon (their fingerprinted copies, cached
/// for a year like the static pages'), never cached itself.
enum HTMLDocument {
    static func response(status: Int = 200, language: String, title: String, text: InterfaceText, head: String = "",
                         bodyAttributes: String = "", body: String, headers: [(name: String, value: String)] = []) -> Response {
        let html = """
            <!DOCTYPE html>
            <html lang="\(language)">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title))</title><link rel="stylesheet" href="\(text.asset("site_css", otherwise: "/assets/site.css"))">
            <link rel="icon" href="\(text.asset("icon_svg", otherwise: "/assets/icon.svg"))" type="image/svg+xml">\(head)</head>
            <body\(bodyAttributes)>
            \(body)
            </body>
            </html>
            """
        return Response(status: status, headers: [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")] + headers,
                        body: .bytes(Array(html.utf8)))
    }

    static let languageNames = [("en", "English"), ("gu", "ગુજરાતી"), ("hi", "हिन्दी")]

    /// The site's root in a language: `/`, `/gu/`, `/hi/`.
    static func root(_ language: String) -> String { language == "en" ? "/" : "/\(language)/" }

    /// The site header as sitegen's pages have it (Templates/base.mustache: keep the two alike), in
    /// the page's language: the skip link, the home link (the brand too: "GUVNL કતાર"), the site's
    /// navigation, and the language switcher where the page can be had in each: `languageLink`
    /// gives its address (escaped for HTML) in a language.
    static func header(language: String, text: InterfaceText, languageLink: ((String) -> String)? = nil) -> String {
        let word = { (key: String) in HTML.escape(text(key, in: language)) }
        let root = root(language)
        let links = [("book/", "nav_book"), ("find/", "nav_find"), ("services/", "nav_services"), ("offices/", "nav_offices"), ("docs/", "nav_help")]
            .map { path, key in "<li><a href=\"\(root)\(path)\">\(word(key))</a></li>" }.joined()
        let switcher = languageLink.map { link in
            let items = languageNames.map { code, name in
                code == language ? "<li><span aria-current=\"page\" lang=\"\(code)\">\(name)</span></li>"
                    : "<li><a href=\"\(link(code))\" hreflang=\"\(code)\" lang=\"\(code)\">\(name)</a></li>"
            }.joined()
            return "<nav class=\"languages\" aria-label=\"\(word("language_label"))\"><ul>\(items)</ul></nav>"
        } ?? ""
        return """
            <a class="skip-link" href="#main">\(word("skip_link"))</a>
            <header class="site-header"><a class="brand" href="\(root)">\(word("site_name"))</a>\
            <nav class="site-nav" aria-label="\(word("nav_label"))"><ul>\(links)</ul></nav>\(switcher)</header>
            """
    }

    /// The site footer as sitegen's pages have it, with the privacy notice.
    static func footer(language: String, text: InterfaceText) -> String {
        """
        <footer class="site-footer"><p>\(HTML.escape(text("footer", in: language)))</p>\
        <p><a href="\(root(language))docs/privacy/">\(HTML.escape(text("footer_privacy", in: language)))</a></p></footer>
        """
    }
}
