import FastCGI

/// The document around the few pages fcgi-app renders itself (they must work without JavaScript):
/// language, viewport, title, the site's stylesheet, never cached.
enum HTMLDocument {
    static func response(status: Int = 200, language: String, title: String, head: String = "", bodyAttributes: String = "",
                         body: String, headers: [(name: String, value: String)] = []) -> Response {
        let html = """
            <!DOCTYPE html>
            <html lang="\(language)">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title))</title><link rel="stylesheet" href="/assets/site.css">\(head)</head>
            <body\(bodyAttributes)>
            \(body)
            </body>
            </html>
            """
        return Response(status: status, headers: [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")] + headers,
                        body: .bytes(Array(html.utf8)))
    }

    /// The site header with its home link, in the page's language (the brand too: "GUVNL કતાર").
    static func header(language: String, text: InterfaceText) -> String {
        "<header class=\"site-header\"><a class=\"brand\" href=\"\(language == "en" ? "/" : "/\(language)/")\">\(HTML.escape(text("site_name", in: language)))</a></header>"
    }
}
