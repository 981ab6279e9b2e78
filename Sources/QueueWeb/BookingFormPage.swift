import FastCGI
import Foundation
import QueueCore

/// The booking form again, for a form post (JavaScript off) that failed: the error, linked to its
/// field, and everything the citizen typed kept, so nothing is lost. Rendered here rather than by a
/// redirect so that names and phone numbers never travel in a URL.
enum BookingFormPage {
    static let fields = ["office", "service", "name", "phone", "email", "consumer_number", "priority", "language", "slot", "date",
                         "notify_choice", "notify_sms", "notify_email"]

    static func response(for error: APIError, input: RequestBody, offices: [OfficeSummary], text interfaceText: InterfaceText,
                         closed: AppointmentOffer? = nil, now: Date = Date()) -> Response {
        let language = ["en", "gu", "hi"].contains(input["language"] ?? "") ? (input["language"] ?? "gu") : "gu"
        let text = BookingFormText(interfaceText, language: language)
        let value = { (name: String) in HTML.escape(input[name] ?? "") }
        let chosenOffice = offices.first { $0.code == input["office"] }
        func name(_ names: LocalizedName) -> String {
            HTML.escape(names.named(language))
        }
        func invalid(_ field: String) -> String {
            error.field == field ? " aria-invalid=\"true\" aria-describedby=\"\(field)-error\"" : ""
        }
        // As the citizen left the boxes; ticked if the post came from elsewhere than our form.
        func ticked(_ box: String) -> String {
            input["notify_choice"] == nil || input[box] == "true" || input[box] == "on" ? " checked" : ""
        }
        let sentence = HTML.escape(text.message(for: error))
        func message(_ field: String) -> String {
            error.field == field ? "<p class=\"field-error\" id=\"\(field)-error\">\(sentence)</p>" : ""
        }
        let officeOptions = offices.map { office in
            "<option value=\"\(HTML.escape(office.code))\"\(office.code == input["office"] ? " selected" : "")>\(name(office.names))</option>"
        }.joined()
        let services = chosenOffice?.services ?? []
        let serviceOptions = services.map { service in
            "<option value=\"\(HTML.escape(service.code))\"\(service.code == input["service"] ? " selected" : "")>\(name(service.names))</option>"
        }.joined()
        let priorityOptions = ["none", "senior_citizen", "person_with_disability", "pregnant_woman"].map { code in
            "<option value=\"\(code)\"\(code == (input["priority"] ?? "none") ? " selected" : "")>\(HTML.escape(text.priorities[code] ?? code))</option>"
        }.joined()
        let summaryLink = error.field.map { "<a href=\"#\($0)\">\(sentence)</a>" } ?? sentence
        let instead = closed.map { insteadOfWalkIn($0, office: chosenOffice, language: language, text: interfaceText, now: now) } ?? ""
        // An offer of appointment times brings its own slot and date.
        let kept = closed?.day == nil ? ["slot", "date", "language", "idempotency_key"] : ["language", "idempotency_key"]
        let hidden = kept.compactMap { field in
            input[field].map { "<input type=\"hidden\" name=\"\(field)\" value=\"\(HTML.escape($0))\">" }
        }.joined()
        // The booking page in another language: the chosen office's own, else the general one.
        let bookingPage = { (code: String) in
            HTML.escape(chosenOffice.map { OfficeBookingPage.address(office: $0.code, language: code) } ?? "\(HTMLDocument.root(code))book/")
        }
        return HTMLDocument.response(status: error.status, language: language, title: "\(text.title) · \(interfaceText("site_name", in: language))",
                                     text: interfaceText, body: """
            \(HTMLDocument.header(language: language, text: interfaceText, languageLink: bookingPage))
            <main id="main" tabindex="-1">
            <h1>\(HTML.escape(text.title))</h1>
            <div class="error-summary" role="alert"><h2>\(HTML.escape(text.summary))</h2><p>\(summaryLink)</p></div>
            <p>\(HTML.escape(text.intro))</p>
            <form method="post" action="/api/v1/tokens?lang=\(language)" class="booking-form">
            <label for="office">\(HTML.escape(text.office))</label>\(message("office"))
            <select id="office" name="office"\(invalid("office"))>\(officeOptions)</select>
            <label for="service">\(HTML.escape(text.service))</label>\(message("service"))
            <select id="service" name="service"\(invalid("service"))>\(serviceOptions)</select>
            \(instead)
            <label for="name">\(HTML.escape(text.name))</label>\(message("name"))
            <input id="name" name="name" autocomplete="name" maxlength="100" value="\(value("name"))"\(invalid("name"))>
            <label for="phone">\(HTML.escape(text.phone))</label>\(message("phone"))
            <input id="phone" name="phone" type="tel" autocomplete="tel" inputmode="tel" value="\(value("phone"))"\(invalid("phone"))>
            <label for="email">\(HTML.escape(text.email)) (\(HTML.escape(text.optional)))</label>\(message("email"))
            <input id="email" name="email" type="email" autocomplete="email" value="\(value("email"))"\(invalid("email"))>
            <fieldset class="notify-choice"><legend>\(HTML.escape(text.notify))</legend>
            <input type="hidden" name="notify_choice" value="1">
            <label><input type="checkbox" name="notify_sms" value="true"\(ticked("notify_sms"))> \(HTML.escape(text.notifySMS))</label>
            <label><input type="checkbox" name="notify_email" value="true"\(ticked("notify_email"))> \(HTML.escape(text.notifyEmail))</label>
            <p class="hint">\(HTML.escape(text.notifyConsent))</p></fieldset>
            <label for="consumer_number">\(HTML.escape(text.consumerNumber)) (\(HTML.escape(text.optional)))</label>\(message("consumer_number"))
            <input id="consumer_number" name="consumer_number" inputmode="numeric" value="\(value("consumer_number"))"\(invalid("consumer_number"))>
            <label for="priority">\(HTML.escape(text.priority))</label>\(message("priority"))
            <select id="priority" name="priority"\(invalid("priority"))>\(priorityOptions)</select>
            \(hidden)
            <button type="submit">\(HTML.escape(text.submit))</button>
            </form>
            </main>
            \(HTMLDocument.footer(language: language, text: interfaceText))
            """)
    }

    /// For a walk-in refused because the office is closed: when it opens, and the service's first
    /// free appointment times to choose from (the first chosen), or why there are none.
    private static func insteadOfWalkIn(_ offer: AppointmentOffer, office: OfficeSummary?, language: String,
                                        text: InterfaceText, now: Date) -> String {
        let word = { (key: String) in text(key, in: language) }
        let calendar = CalendarText(text: text)
        var html = ""
        if let opens = offer.opensAt, let zone = office.flatMap({ TimeZone(identifier: $0.timeZone) }) {
            let when = calendar.moment(opens, timeZone: zone, now: now, in: language)
            html += "<p class=\"office-status\">\(HTML.escape(word("booking_closed_now").replacingOccurrences(of: "{opens}", with: when)))</p>"
        }
        guard offer.takesAppointments else { return html + "<p>\(HTML.escape(word("booking_closed_walk_in")))</p>" }
        return html + (offer.choice(legend: word("booking_offer_title"), language: language, text: text)
            ?? "<p>\(HTML.escape(word("booking_offer_none")))</p>")
    }
}
