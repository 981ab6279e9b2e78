import FastCGI
import QueueCore

/// The citizen's token page, rendered by fcgi-app so that it works without JavaScript: the number
/// large, where they stand and how long they will likely wait, the counter once called, what to
/// bring, and a QR code; it refreshes itself every 30 seconds while the token is active.
enum TokenPage {
    /// For a wrong or incomplete link: in all three languages, since the token's language is unknown.
    static func notFound(findAgain: String) -> Response {
        HTMLDocument.response(status: 404, language: "en", title: "Token not found", body: """
            <main id="main">
            <h1>Token not found</h1><p>No token matches. Check the link or the details, or find your token with its number and your mobile number.</p>
            <h1 lang="gu">ટોકન મળ્યું નથી</h1><p lang="gu">આ લિંક કોઈ ટોકન સુધી લઈ જતી નથી. લિંક તપાસો, અથવા ટોકન નંબર અને મોબાઇલ નંબરથી તમારું ટોકન શોધો.</p>
            <h1 lang="hi">टोकन नहीं मिला</h1><p lang="hi">यह लिंक किसी टोकन तक नहीं ले जाता। लिंक जाँचें, या टोकन नंबर और मोबाइल नंबर से अपना टोकन खोजें।</p>
            <p><a href="\(findAgain)">Find my token · <span lang="gu">મારું ટોકન શોધો</span> · <span lang="hi">मेरा टोकन खोजें</span></a></p>
            </main>
            """)
    }

    /// The page for a holder of a view secret; the cancel button only on the device that booked.
    static func render(_ status: TokenStatus, office: OfficeSummary?, secret: String, canManage: Bool,
                       text interfaceText: InterfaceText) -> Response {
        let token = status.token
        let language = token.citizen.language
        let text = TokenPageText(interfaceText, language: language)
        func local(_ name: LocalizedName) -> String {
            HTML.escape(language == "gu" ? name.gu : language == "hi" ? name.hi : name.en)
        }
        let service = office?.services.first { $0.code == token.serviceCode }
        let state: String
        switch token.state {
        case .waiting:
            let words = WaitText(text: interfaceText)
            let estimate: String
            if let position = status.position, position.reachedToday == false {
                // An appointment on another day only for a service that takes appointments.
                let key = service?.takesAppointments == true ? "token_unlikely_today" : "token_unlikely_today_walk_in"
                estimate = "<p class=\"unlikely\" role=\"status\"><strong>\(HTML.escape(interfaceText(key, in: language)))</strong></p>"
            } else if let position = status.position, position.openCounters > 0, let wait = words.wait(position, in: language) {
                let counter = position.likelyCounter.map { " <span class=\"likely\">(\(HTML.escape(interfaceText("token_likely_counter", in: language).replacingOccurrences(of: "{n}", with: String($0)))))</span>" } ?? ""
                estimate = "<p><span class=\"label\">\(text.estimate)</span> <strong>\(HTML.escape(wait))</strong>\(counter)</p>"
            } else {
                estimate = "<p>\(text.noCounter)</p>"
            }
            state = """
                <p class="ahead"><strong>\(HTML.escape(words.ahead(status.position?.ahead ?? 0, in: language)))</strong></p>
                \(estimate)
                """
        case .booked:
            state = """
                <p><span class="label">\(text.appointment)</span> <strong>\(HTML.escape(token.serviceDay)) \(token.slotStartsAt.map { Queue.clock($0) } ?? "")</strong></p>
                <p>\(text.checkIn)</p>
                """
        case .called:
            state = "<p class=\"your-turn\" role=\"alert\">\(text.called) <strong>\(status.counterNumber.map(String.init) ?? "?")</strong></p>"
        case .serving:
            state = "<p class=\"your-turn\">\(text.serving) <strong>\(status.counterNumber.map(String.init) ?? "?")</strong></p>"
        case .served: state = "<p>\(text.served)</p>"
        case .noShow: state = "<p>\(text.noShow)</p>"
        case .cancelled: state = "<p>\(text.cancelled)</p>"
        case .expired: state = "<p class=\"expired\">\(text.expired)</p>"
        }
        let active = token.state.isActive
        let documents = status.requiredDocuments.isEmpty ? "" : """
            <h2>\(text.documents)</h2>
            <ul>\(status.requiredDocuments.map { "<li>\(local($0))</li>" }.joined())</ul>
            """
        let query = "secret=\(HTML.escape(secret))"
        let cancel = canManage && [.booked, .waiting].contains(token.state) ? """
            <form method="post" action="/api/v1/tokens/\(token.id)/cancel?lang=\(language)" class="cancel">
            <input type="hidden" name="secret" value="\(HTML.escape(secret))">
            <p>\(text.cancelConfirm)</p><button type="submit">\(text.cancel)</button>
            </form>
            """ : [.booked, .waiting].contains(token.state) ? "<p class=\"small\">\(text.cancelElsewhere)</p>" : ""
        let head = (active ? "<noscript><meta http-equiv=\"refresh\" content=\"30\"></noscript><script src=\"/assets/token.js\" defer></script>"
                    + "<script src=\"/assets/push.js\" defer></script>" : "")
            + "<meta name=\"robots\" content=\"noindex\"><link rel=\"manifest\" href=\"/assets/manifest.webmanifest\"><script src=\"/assets/register.js\" defer></script>"
        return HTMLDocument.response(
            language: language, title: "\(token.number) · \(text.title)", head: head,
            bodyAttributes: " data-state=\"\(token.state.rawValue)\"", body: """
            \(HTMLDocument.header(language: language))
            <main id="main" class="token-page">
            <h1>\(text.title)</h1>
            <p class="token-number">\(HTML.escape(token.number))</p>
            <p>\(text.service): <strong>\(service.map { local($0.names) } ?? HTML.escape(token.serviceCode))</strong><br>
            \(text.office): <strong>\(office.map { local($0.names) } ?? HTML.escape(token.officeCode))</strong></p>
            <div class="token-state">\(state)</div>
            \(documents)
            <p><img class="qr" src="/api/v1/tokens/\(token.id)/qr.svg?\(query)" alt="\(text.qr)" width="160" height="160"></p>
            \(active ? PushOffer.html(language: language, text: interfaceText) : "")
            \(cancel)
            \(active ? "<p class=\"small\">\(text.refresh)</p>" : "")
            </main>
            """, headers: [("Referrer-Policy", "no-referrer")])
    }
}
