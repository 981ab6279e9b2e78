import FastCGI
import QueueCore

/// The find-my-token form again, when no token matched: in the citizen's language, under the site's
/// header, what they typed kept and the refusal beside the token number, so that they correct one
/// field rather than start over. A link that leads to no token gets the same form, empty.
enum FindTokenPage {
    /// Why the form is shown again.
    enum Cause { case noMatch, brokenLink }

    /// The language of a page whose address names none: the page's `lang`, else the browser's
    /// first choice among ours, else English (as nginx's own pages choose).
    static func language(of context: RequestContext) -> String {
        let ours = ["en", "gu", "hi"]
        if let asked = context.query["lang"], ours.contains(asked) { return asked }
        // "gu-IN;q=0.9, en" -> ["gu", "en"]; a part with nothing before its ";" or "-" is skipped, not a crash.
        let preferred = (context.request.header("accept-language") ?? "").split(separator: ",").compactMap { part in
            part.split(separator: ";").first?.split(separator: "-").first
                .map { String($0).trimmingCharacters(in: .whitespaces).lowercased() }
        }
        return preferred.first { ours.contains($0) } ?? "en"
    }

    static func response(_ cause: Cause, input: RequestBody?, language: String, offices: [OfficeSummary],
                         text: InterfaceText) -> Response {
        let word = { (key: String) in HTML.escape(text(key, in: language)) }
        let value = { (name: String) in HTML.escape(input?[name] ?? "") }
        let sentence = word(cause == .noMatch ? "error_token_not_found" : "error_token_link")
        let officeOptions = offices.map { office -> String in
            let name = language == "gu" ? office.names.gu : language == "hi" ? office.names.hi : office.names.en
            let chosen = office.code == input?["office"] ? " selected" : ""
            return "<option value=\"\(HTML.escape(office.code))\"\(chosen)>\(HTML.escape(name))</option>"
        }.joined()
        // The number is the likeliest slip (a letter or digit mistyped); the sentence names all three.
        let numberError = cause == .noMatch
            ? "<p class=\"field-error\" id=\"number-error\">\(sentence)</p>" : ""
        let invalid = cause == .noMatch ? " aria-invalid=\"true\" aria-describedby=\"number-error\"" : ""
        let summaryText = cause == .noMatch ? "<a href=\"#number\">\(sentence)</a>" : sentence
        return HTMLDocument.response(status: 404, language: language, title: "\(text("nav_find", in: language)) · \(text("site_name", in: language))",
                                     text: text, head: "<meta name=\"robots\" content=\"noindex\">", body: """
            \(HTMLDocument.header(language: language, text: text, languageLink: { "\(HTMLDocument.root($0))find/" }))
            <main id="main" tabindex="-1">
            <h1>\(word("nav_find"))</h1>
            <div class="error-summary" role="alert"><h2>\(word("booking_check_summary"))</h2><p>\(summaryText)</p></div>
            <form method="post" action="/token/find?lang=\(language)" class="booking-form">
            <label for="office">\(word("form_office"))</label>
            <select id="office" name="office">\(officeOptions)</select>
            <label for="number">\(word("form_token_number"))</label>\(numberError)
            <input id="number" name="number" autocapitalize="characters" required value="\(value("number"))"\(invalid)>
            <label for="phone">\(word("form_phone"))</label>
            <input id="phone" name="phone" type="tel" autocomplete="tel" inputmode="tel" required value="\(value("phone"))">
            <input type="hidden" name="language" value="\(language)">
            <button type="submit">\(word("form_find"))</button>
            </form>
            </main>
            \(HTMLDocument.footer(language: language, text: text))
            """)
    }
}
