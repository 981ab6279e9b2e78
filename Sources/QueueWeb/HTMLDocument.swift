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

    /// The site header with its home link, in the page's language (the brand too: "GUVNL કતાર"), and
    /// the language switcher where the page can be had in each: `languageLinks` is its address
    /// (escaped for HTML) up to the language code.
    static func header(language: String, text: InterfaceText, languageLinks: String? = nil) -> String {
        let switcher = languageLinks.map { base in
            let items = languageNames.map { code, name in
                code == language ? "<li><span aria-current=\"page\" lang=\"\(code)\">\(name)</span></li>"
                    : "<li><a href=\"\(base)\(code)\" hreflang=\"\(code)\" lang=\"\(code)\">\(name)</a></li>"
            }.joined()
            return "<nav class=\"languages\" aria-label=\"\(HTML.escape(text("language_label", in: language)))\"><ul>\(items)</ul></nav>"
        } ?? ""
        return "<header class=\"site-header\"><a class=\"brand\" href=\"\(language == "en" ? "/" : "/\(language)/")\">\(HTML.escape(text("site_name", in: language)))</a>\(switcher)</header>"
    }
}
