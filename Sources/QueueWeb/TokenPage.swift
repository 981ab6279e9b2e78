import FastCGI
import QueueCore

/// The citizen's token page, rendered by fcgi-app so that it works without JavaScript: the number
/// large, where they stand and how long they will likely wait, the counter once called, what to
/// bring, and a QR code; it refreshes itself every 30 seconds while the token is active.
enum TokenPage {
    /// An appointment's slot (for its end time) and, on the device that booked, the free times it
    /// may move to.
    struct Appointment {
        var slot: SlotAvailability?
        var move: AppointmentOffer?
    }

    /// What the page shows that its script checks the stream's first status against (the same
    /// values the status carries): the state, the counter, and the place in the queue.
    static func shownAttributes(_ status: TokenStatus) -> String {
        var attributes = " data-state=\"\(status.token.state.rawValue)\""
        if let counter = status.counterNumber { attributes += " data-counter=\"\(counter)\"" }
        if let ahead = status.position?.ahead { attributes += " data-ahead=\"\(ahead)\"" }
        return attributes
    }

    /// The page for a holder of a view secret; the cancel button only on the device that booked.
    /// - Parameter language: the language the citizen switched the page to, else the token's.
    static func render(_ status: TokenStatus, office: OfficeSummary?, secret: String, canManage: Bool,
                       text interfaceText: InterfaceText, language asked: String? = nil, appointment: Appointment? = nil,
                       feedbackGiven: Bool = false) -> Response {
        let token = status.token
        let language = asked ?? token.citizen.language
        let text = TokenPageText(interfaceText, language: language)
        func local(_ name: LocalizedName) -> String {
            HTML.escape(name.named(language))
        }
        let service = office?.services.first { $0.code == token.serviceCode }
        let waiting = waitingPhrases(takesAppointments: service?.takesAppointments == true, language: language, text: interfaceText)
        let state: String
        switch token.state {
        case .waiting:
            state = waitingState(status.position, phrase: waiting, language: language, text: interfaceText)
        case .booked:
            // "Monday 7 December, 10:30–11:30", in the page's language.
            let day = CalendarText(text: interfaceText).day(token.serviceDay, in: language)
            let times = appointment?.slot.map { "\($0.starts)–\($0.ends)" } ?? token.slotStartsAt.map { Queue.clock($0) } ?? ""
            state = """
                <p><span class="label">\(text.appointment)</span> <strong>\(HTML.escape(day)), \(times)</strong></p>
                <p>\(text.checkIn)</p>
                <p><a href="/api/v1/tokens/\(token.id)/calendar.ics?secret=\(HTML.escape(secret))" download>\(text.addCalendar)</a></p>
                """
        case .called:
            // Unmistakable from across the hall: its own colour and size (site.css), and the counter first.
            let counter = "<strong>\(status.counterNumber.map(String.init) ?? "?")</strong>"
            state = "<p class=\"your-turn\" role=\"alert\">\(text.yourTurn) <span class=\"go\">\(text.goNow.replacingOccurrences(of: "{n}", with: counter))</span></p>"
        case .serving:
            state = "<p class=\"your-turn\">\(text.serving) <strong>\(status.counterNumber.map(String.init) ?? "?")</strong></p>"
        case .served:
            state = "<p>\(text.served)</p>" + (!canManage ? "" : feedbackGiven
                ? "<p class=\"feedback-thanks\" role=\"status\">\(HTML.escape(interfaceText("feedback_thanks", in: language)))</p>"
                : feedbackForm(token, secret: secret, language: language, text: interfaceText))
        case .noShow: state = "<p>\(text.noShow)</p>"
        case .cancelled: state = "<p>\(text.cancelled)</p>"
        case .expired: state = "<p class=\"expired\">\(text.expired)</p>"
        case .parked: state = "<p role=\"status\">\(HTML.escape(interfaceText("token_parked", in: language)))</p>"
        }
        let active = token.state.isActive
        // Once served, cancelled or expired, what to bring and the code to show no longer help; after a missed
        // call the citizen may still rejoin at the counter, documents in hand.
        let stillComing = !token.state.changesNoMore
        let documents = status.requiredDocuments.isEmpty || !stillComing ? "" : """
            <h2>\(text.documents)</h2>
            <ul>\(status.requiredDocuments.map { "<li>\(local($0))</li>" }.joined())</ul>
            """
        let query = "secret=\(HTML.escape(secret))"
        // Cancelling asks first, without JavaScript: the button that cancels is inside a disclosure.
        let cancel = canManage && [.booked, .waiting].contains(token.state) ? """
            <details class="cancel"><summary>\(text.cancel)</summary>
            <form method="post" action="/api/v1/tokens/\(token.id)/cancel?lang=\(language)">
            <input type="hidden" name="secret" value="\(HTML.escape(secret))">
            <p>\(text.cancelQuestion.replacingOccurrences(of: "{number}", with: HTML.escape(token.number)))</p>
            <button type="submit">\(text.cancelYes)</button>
            </form></details>
            """ : [.booked, .waiting].contains(token.state) ? "<p class=\"small\">\(text.cancelElsewhere)</p>" : ""
        let move = token.state == .booked && canManage ? appointment?.move.map { offer in """
            <details class="move"><summary>\(text.move)</summary>
            <form method="post" action="/api/v1/tokens/\(token.id)/reschedule?lang=\(language)">
            \(offer.choice(legend: interfaceText("token_move_title", in: language), language: language, text: interfaceText)
                ?? "<p>\(text.moveNone)</p>")
            \(offer.day == nil ? "" : "<button type=\"submit\">\(text.moveYes)</button>")
            </form></details>
            """ } ?? "" : ""
        let bookAgain = active ? "" : "<p><a class=\"button\" href=\"\(OfficeBookingPage.address(office: token.officeCode, language: language))\">\(text.bookAgain)</a></p>"
        let script = { (key: String, plain: String) in "<script src=\"\(interfaceText.asset(key, otherwise: plain))\" defer></script>" }
        let head = (active ? "<noscript><meta http-equiv=\"refresh\" content=\"30\"></noscript>" + script("token_js", "/assets/token.js") + script("push_js", "/assets/push.js") : "")
            + "<meta name=\"robots\" content=\"noindex\"><link rel=\"manifest\" href=\"/assets/manifest.webmanifest\">"
            + script("register_js", "/assets/register.js")
        return HTMLDocument.response(
            language: language, title: "\(token.number) · \(text.title)", text: interfaceText, head: head,
            bodyAttributes: Self.shownAttributes(status), body: """
            \(HTMLDocument.header(language: language, text: interfaceText,
                                  languageLink: { "/token/?id=\(token.id)&amp;\(query)&amp;lang=\($0)" }))
            <main id="main" class="token-page" tabindex="-1">
            <h1>\(text.title)</h1>
            <p class="token-number">\(HTML.escape(token.number))</p>
            <p>\(text.service): <strong>\(service.map { local($0.names) } ?? HTML.escape(token.serviceCode))</strong><br>
            \(text.office): <strong>\(office.map { local($0.names) } ?? HTML.escape(token.officeCode))</strong></p>
            <div class="token-state" aria-live="polite"\(token.state == .waiting ? waitingWords(waiting) : "")>\(state)</div>
            \(documents)
            \(active ? "<p><img class=\"qr\" src=\"/api/v1/tokens/\(token.id)/qr.svg?\(query)\" alt=\"\(text.qr)\" width=\"160\" height=\"160\"></p>" : "")
            \(active ? PushOffer.html(language: language, text: interfaceText) : "")
            \(move)\(cancel)\(bookAgain)
            \(active ? "<p class=\"small\">\(text.findAgain.replacingOccurrences(of: "{number}", with: HTML.escape(token.number))) <a href=\"\(HTMLDocument.root(language))find/\">\(text.find)</a></p>" : "")
            \(active ? "<p class=\"small\">\(text.refresh)</p>" : "")
            </main>
            \(HTMLDocument.footer(language: language, text: interfaceText))
            """, headers: [("Referrer-Policy", "no-referrer")])
    }

    /// A waiting token's place and wait. token.js builds the same from each new status of the
    /// stream while the token keeps waiting (so the page does not reload at every call in the
    /// office): keep the two alike.
    private static func waitingState(_ position: QueuePosition?, phrase: WaitingPhrases, language: String,
                                     text: InterfaceText) -> String {
        let words = WaitText(text: text)
        let ahead = "<p class=\"ahead\"><strong>\(HTML.escape(words.ahead(position?.ahead ?? 0, in: language)))</strong></p>"
        if let position, position.reachedToday == false {
            return ahead + "<p class=\"unlikely\" role=\"status\"><strong>\(HTML.escape(phrase.unlikely))</strong></p>"
        }
        if let position, position.openCounters > 0, let wait = words.wait(position, in: language) {
            let counter = position.likelyCounter.map {
                " <span class=\"likely\">(\(HTML.escape(phrase.likely.replacingOccurrences(of: "{n}", with: String($0)))))</span>"
            } ?? ""
            return ahead + "<p><span class=\"label\">\(HTML.escape(phrase.estimate))</span> <strong>\(HTML.escape(wait))</strong>\(counter)</p>"
        }
        return ahead + "<p>\(HTML.escape(phrase.noCounter))</p>"
    }

    /// The fixed words of a waiting token's state, for the page and (as attributes) for token.js.
    private typealias WaitingPhrases = (unlikely: String, estimate: String, likely: String, noCounter: String)

    private static func waitingPhrases(takesAppointments: Bool, language: String, text: InterfaceText) -> WaitingPhrases {
        // An appointment on another day only for a service that takes appointments.
        (text(takesAppointments ? "token_unlikely_today" : "token_unlikely_today_walk_in", in: language),
         text("token_estimate", in: language), text("token_likely_counter", in: language), text("token_no_counter", in: language))
    }

    private static func waitingWords(_ phrase: WaitingPhrases) -> String {
        " data-unlikely=\"\(HTML.escape(phrase.unlikely))\" data-estimate=\"\(HTML.escape(phrase.estimate))\""
            + " data-likely=\"\(HTML.escape(phrase.likely))\" data-no-counter=\"\(HTML.escape(phrase.noCounter))\""
    }

    /// One tap rates the visit (each rating is its own submit button); a comment, if any, goes with it.
    private static func feedbackForm(_ token: Token, secret: String, language: String, text: InterfaceText) -> String {
        let word = { (key: String) in HTML.escape(text(key, in: language)) }
        let buttons = (1...5).map { "<button type=\"submit\" name=\"rating\" value=\"\($0)\">\(word("feedback_\($0)"))</button>" }.joined()
        return """
            <form method="post" action="/api/v1/tokens/\(token.id)/feedback?lang=\(language)" class="feedback">
            <fieldset><legend>\(word("feedback_title"))</legend>
            <label for="comment">\(word("feedback_comment"))</label>
            <textarea id="comment" name="comment" maxlength="500" rows="2"></textarea>
            <div class="rating">\(buttons)</div></fieldset>
            <input type="hidden" name="secret" value="\(HTML.escape(secret))">
            </form>
            """
    }
}
